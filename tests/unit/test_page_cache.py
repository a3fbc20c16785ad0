import gzip
import zlib

from alliance.cache import NONCE_PLACEHOLDER, CachedPage, ContentVersion

HTML = (
    f'<html><script nonce="{NONCE_PLACEHOLDER}">x</script>'
    + "<p>Bowel screening</p>" * 500
    + (f'<script nonce="{NONCE_PLACEHOLDER}">y</script></html>')
)


def test_a_cached_page_joins_into_one_valid_gzip_stream_with_the_readers_nonce():
    page = CachedPage.from_html(HTML, version=3)
    body = page.gzipped("AbCdEf0123456789xyz")
    expected = HTML.replace(NONCE_PLACEHOLDER, "AbCdEf0123456789xyz").encode()
    assert gzip.decompress(body) == expected
    # zlib checks the trailer (CRC and length) as a browser does.
    assert zlib.decompress(body, 16 + zlib.MAX_WBITS) == expected
    assert len(body) < len(expected) / 5


def test_each_reader_gets_their_own_nonce_from_the_same_entry():
    page = CachedPage.from_html(HTML, version=3)
    first, second = gzip.decompress(page.gzipped("a" * 22)), gzip.decompress(page.gzipped("b" * 22))
    assert b'nonce="aaaaaaaaaaaaaaaaaaaaaa"' in first and b"bbbb" not in first
    assert b'nonce="bbbbbbbbbbbbbbbbbbbbbb"' in second
    assert page.plain("n1") == HTML.replace(NONCE_PLACEHOLDER, "n1").encode()


def test_the_content_version_is_reread_after_its_time_or_when_expired():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    version = ContentVersion(read, ttl=60)
    assert version.current() == 1 and version.current() == 1
    version.expire()
    assert version.current() == 2
