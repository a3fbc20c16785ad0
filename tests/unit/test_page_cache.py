import gzip
import random
import string
import zlib

from alliance.cache import (
    PRIVATE,
    CachedPage,
    ContentVersion,
    PageCache,
    RedisPageCache,
    cache_control_for,
    normalised_query,
    page_key,
    public_cache_control,
)

HTML = "<html><script>x</script>" + "<p>Bowel screening</p>" * 500 + "<script>y</script></html>"
CSP = "default-src 'self'; script-src 'self' 'sha256-abc='"


def random_tracking_query(rng: random.Random) -> str:
    token = "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=rng.randint(8, 60)))
    name = rng.choice(["fbclid", "gclid", "utm_source", "utm_medium", "utm_campaign", "ref", "mc_eid"])
    extra = rng.choice(["", "&utm_medium=social", "&utm_content=" + token[:5]])
    return f"{name}={token}{extra}"


def test_a_cached_page_keeps_one_valid_gzip_stream_of_the_same_bytes():
    page = CachedPage.from_html(HTML, version=3, csp=CSP)
    assert gzip.decompress(page.gzipped) == HTML.encode()
    # zlib checks the trailer (CRC and length) as a browser does.
    assert zlib.decompress(page.gzipped, 16 + zlib.MAX_WBITS) == HTML.encode()
    assert len(page.gzipped) < len(page.body) / 5


def test_the_etag_is_weak_stable_and_changes_with_the_page():
    first, again = CachedPage.from_html(HTML, 3, CSP), CachedPage.from_html(HTML, 4, CSP)
    other = CachedPage.from_html(HTML.replace("Bowel", "Breast"), 3, CSP)
    assert first.etag.startswith('W/"') and first.etag == again.etag
    assert other.etag != first.etag


def test_a_conditional_get_matches_the_tag_in_any_form_a_client_sends_it():
    page = CachedPage.from_html(HTML, 3, CSP)
    strong = page.etag.removeprefix("W/")
    assert page.matches(page.etag)
    assert page.matches(strong)
    assert page.matches(f'"other", {page.etag}')
    assert page.matches("*")
    assert not page.matches('"other"')
    assert not page.matches(None) and not page.matches("")


def test_only_the_parameters_a_view_reads_are_kept_sorted_and_without_empty_values():
    assert normalised_query("utm_source=x&page=2&q=bowel&fbclid=abc", ["q", "page"]) == "page=2&q=bowel"
    assert normalised_query("q=&page=2", ["q", "page"]) == "page=2"
    assert normalised_query("q=%20%20&page=", ["q", "page"]) == ""
    assert normalised_query("q=bowel+cancer", ["q"]) == "q=bowel+cancer"
    assert normalised_query("q=bowel%20cancer", ["q"]) == "q=bowel+cancer"
    assert normalised_query("fbclid=abc", []) == ""
    assert normalised_query("%00=x&q=%FF", ["q"]) == "q=%EF%BF%BD"


def test_thirty_random_tracking_query_strings_give_one_key():
    rng = random.Random(15)
    keys = {page_key("/en/example", random_tracking_query(rng), ()) for _ in range(30)}
    assert keys == {"/en/example"}
    keys = {page_key("/en/search", "q=bowel&" + random_tracking_query(rng), ("page", "q")) for _ in range(30)}
    assert keys == {"/en/search?q=bowel"}


def test_the_in_process_cache_drops_the_least_recently_used_entry_when_full():
    cache = PageCache(max_entries=3)
    for name in "abc":
        cache.put(name, CachedPage.from_html(f"<p>{name}</p>", 1, CSP))
    assert cache.get("a", 1) is not None  # a is now the most recently used
    cache.put("d", CachedPage.from_html("<p>d</p>", 1, CSP))
    assert len(cache) == 3
    assert cache.get("b", 1) is None
    assert all(cache.get(name, 1) is not None for name in "acd")


def test_the_in_process_cache_holds_no_more_bytes_than_it_is_allowed():
    rng = random.Random(3)
    pages = [
        CachedPage.from_html("".join(rng.choices(string.ascii_letters, k=5000)), 1, CSP) for _ in range(20)
    ]
    limit = pages[0].size * 4
    cache = PageCache(max_entries=100, max_bytes=limit, max_entry_bytes=limit)
    for number, page in enumerate(pages):
        cache.put(str(number), page)
        assert cache.bytes <= limit
    assert 1 <= len(cache) <= 4
    assert cache.bytes == sum(cache.get(str(n), 1).size for n in range(20) if cache.get(str(n), 1))
    assert cache.get("19", 1) is not None


def test_a_page_bigger_than_an_entry_may_be_is_not_kept():
    cache = PageCache(max_entries=10, max_bytes=10_000_000, max_entry_bytes=1000)
    cache.put("/en/big", CachedPage.from_html("x" * 2000, 1, CSP))
    assert cache.get("/en/big", 1) is None and len(cache) == 0 and cache.bytes == 0


def test_an_entry_of_another_content_version_is_a_miss_and_is_replaced():
    cache = PageCache()
    cache.put("/en/", CachedPage.from_html("<p>old</p>", 1, CSP))
    assert cache.get("/en/", 2) is None
    cache.put("/en/", CachedPage.from_html("<p>new</p>", 2, CSP))
    assert cache.get("/en/", 2).body == b"<p>new</p>" and len(cache) == 1


def test_a_cached_page_survives_the_trip_through_redis_bytes():
    entry = CachedPage.from_html("<p>a</p><p>ü</p>", 42, CSP)
    assert RedisPageCache.loads(RedisPageCache.dumps(entry)) == entry


def test_public_reads_are_revalidated_and_anything_personal_is_never_stored():
    public = {
        "method": "GET",
        "status": 200,
        "blueprint": "pages",
        "personal_view": False,
        "has_session": False,
        "made_csrf_token": False,
        "sets_cookie": False,
        "already": None,
    }
    assert cache_control_for(**public) == "public, no-cache"
    assert cache_control_for(**{**public, "already": "public, max-age=60"}) is None
    assert cache_control_for(**{**public, "status": 404}) == PRIVATE
    assert cache_control_for(**{**public, "status": 302}) == PRIVATE
    assert cache_control_for(**{**public, "status": 204}) is None
    for personal in (
        {"method": "POST"},
        {"blueprint": "backoffice"},
        {"blueprint": "surveys"},
        {"personal_view": True},
        {"has_session": True},
        {"made_csrf_token": True},
        {"sets_cookie": True},
        {"has_session": True, "already": "public, max-age=60"},
    ):
        assert cache_control_for(**{**public, **personal}) == PRIVATE, personal


def test_a_public_max_age_of_zero_means_revalidate_every_time():
    assert public_cache_control(60) == "public, max-age=60"
    assert public_cache_control(0) == "public, no-cache"


def test_the_content_version_is_reread_after_its_time_or_when_expired():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    version = ContentVersion(read, ttl=60)
    assert version.current() == 1 and version.current() == 1
    version.expire()
    assert version.current() == 2
