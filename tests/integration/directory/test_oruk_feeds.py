"""The ORUK API's whole-directory feeds: built once per directory version into a file, served with an
ETag, rebuilt when the directory changes; organisations nest a bounded number of services; what is
still assembled per request is rate limited. The concurrency test runs real gunicorn workers."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select, update

from alliance.database import utcnow
from alliance.directory import feeds, generator, import_read, import_write, oruk
from alliance.directory import models as m
from alliance.directory.seed import seed_directory
from tests.bench.run_gunicorn import gunicorn

CONTENT = Path(__file__).resolve().parents[3] / "content"
API = "/api/oruk"
FULL_NDJSON = f"{API}/services?format=ndjson&full=true"


@pytest.fixture
def directory(app, session):
    with app.app_context():
        seed_directory(session, CONTENT)
    session.commit()
    return session


def feed_files(app, name: str) -> list[Path]:
    return sorted((Path(app.config["SEARCH_INDEX_DIR"]) / feeds.FOLDER).glob(f"{name}.*.ndjson"))


def get_rebuilt(client, url: str, old_etag: str):
    """The feed once the new version is built: the first reader after a change gets the previous
    version at once and starts the build in the background."""
    for _ in range(400):
        response = client.get(url)
        if response.headers.get("ETag") != old_etag:
            return response
        time.sleep(0.05)
    raise AssertionError(f"{url} was never rebuilt")


def ndjson_ids(response) -> list[str]:
    return [json.loads(line)["id"] for line in response.get_data(as_text=True).splitlines()]


def test_the_full_ndjson_feed_is_a_file_with_an_etag_and_a_304_when_unchanged(client, directory, app):
    paged = client.get(f"{API}/services?per_page=1000").get_json()
    first = client.get(FULL_NDJSON)
    assert first.status_code == 200 and first.mimetype == "application/x-ndjson"
    assert ndjson_ids(first) == [s["id"] for s in paged["contents"]]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    etag = first.headers["ETag"]
    assert etag
    again = client.get(FULL_NDJSON, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # The ETag names the file the feed was sent from.
    assert Path(app.config["SEARCH_INDEX_DIR"], feeds.FOLDER, etag.strip('"')) in feed_files(
        app, "services-full"
    )


def test_a_full_json_page_is_cut_from_the_feed_with_its_own_etag(client, directory):
    page = client.get(f"{API}/services?full=true&per_page=3&page=2")
    assert page.status_code == 200
    body = page.get_json()
    from_database = oruk.list_services(directory, 2, 3, full=True)
    assert body == json.loads(json.dumps(from_database))
    assert (
        client.get(
            f"{API}/services?full=true&per_page=3&page=2", headers={"If-None-Match": page.headers["ETag"]}
        ).status_code
        == 304
    )
    other = client.get(f"{API}/services?full=true&per_page=3&page=3")
    assert other.headers["ETag"] != page.headers["ETag"]
    beyond = client.get(f"{API}/services?full=true&per_page=3&page=999").get_json()
    assert beyond["contents"] == [] and beyond["empty"] and beyond["total_items"] == body["total_items"]


def test_a_bad_page_on_a_feed_is_still_a_400_naming_it(client, directory):
    response = client.get(f"{API}/organizations?full_service=true&page=0")
    assert response.status_code == 400 and response.get_json()["parameter"] == "page"


def test_an_import_makes_a_new_feed_with_the_change(client, directory, app):
    before = client.get(FULL_NDJSON)
    service = directory.scalars(select(m.Service).order_by(m.Service.id)).first()
    feed = json.dumps({"services": [{"id": service.id, "name": "Renamed by import", "status": "active"}]})
    report = import_write.apply(directory, import_read.read_json(feed))
    assert report.ok and report.changed
    stale = client.get(FULL_NDJSON, headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 304  # the previous version at once, while the new one is built
    after = get_rebuilt(client, FULL_NDJSON, before.headers["ETag"])
    assert after.status_code == 200
    names = {
        json.loads(line)["id"]: json.loads(line)["name"] for line in after.get_data(as_text=True).splitlines()
    }
    assert names[service.id] == "Renamed by import"


def test_a_write_that_forgets_to_bump_the_version_still_gives_a_new_feed(client, directory):
    before = client.get(f"{API}/organizations?format=ndjson&full_service=true")
    organization = directory.scalars(select(m.Organization).order_by(m.Organization.id)).first()
    directory.execute(
        update(m.Service)
        .where(m.Service.organization_id == organization.id)
        .values(name="Quietly renamed", last_modified=utcnow())
    )
    directory.commit()
    after = get_rebuilt(
        client, f"{API}/organizations?format=ndjson&full_service=true", before.headers["ETag"]
    )
    assert "Quietly renamed" in after.get_data(as_text=True)


def test_old_versions_of_a_feed_are_removed_keeping_the_last_two(client, directory, app):
    service = directory.scalars(select(m.Service).order_by(m.Service.id)).first()
    etag = client.get(FULL_NDJSON).headers["ETag"]
    for n in range(4):
        feed = json.dumps({"services": [{"id": service.id, "name": f"Name {n}", "status": "active"}]})
        assert import_write.apply(directory, import_read.read_json(feed)).ok
        etag = get_rebuilt(client, FULL_NDJSON, etag).headers["ETag"]
    files = feed_files(app, "services-full")
    assert len(files) == feeds.KEEP
    assert all(path.with_suffix(".idx").exists() for path in files)


def test_an_organisation_nests_at_most_the_stated_number_of_services(client, app, session):
    count = oruk.MAX_NESTED_SERVICES + 5
    data = generator.generate(count, 3, CONTENT / "directory")
    organization = data["services"][0]["organization"]
    for service in data["services"]:
        service["organization"] = organization
    with app.app_context():
        report = import_write.apply(session, import_read.read_json(json.dumps(data)))
    assert report.ok, report.lines()[:5]
    one = client.get(f"{API}/organizations/{organization['id']}?full_service=true")
    assert len(one.get_json()["services"]) == oruk.MAX_NESTED_SERVICES
    assert one.headers["X-Nested-Services-Limit"] == str(oruk.MAX_NESTED_SERVICES)
    listed = client.get(f"{API}/organizations?full_service=true").get_json()["contents"]
    nested = next(o for o in listed if o["id"] == organization["id"])["services"]
    first = session.scalars(
        select(m.Service.name)
        .where(m.Service.organization_id == organization["id"])
        .order_by(m.Service.name, m.Service.id)
        .limit(oruk.MAX_NESTED_SERVICES)
    ).all()
    assert [s["name"] for s in nested] == list(first)
    rest = client.get(f"{API}/services?organization_id={organization['id']}&per_page=100").get_json()
    assert rest["total_items"] == count
    document = client.get(f"{API}/openapi.json").get_json()
    assert (
        f"at most {oruk.MAX_NESTED_SERVICES} services"
        in (document["components"]["parameters"]["full_service"]["description"])
    )


def test_narrowed_nested_lists_are_rate_limited_but_whole_feeds_are_not(client, directory, app):
    app.config["ORUK_EXPENSIVE_LIMIT"] = "2 per minute"
    try:
        narrowed = f"{API}/services?full=true&search=cancer"
        assert [client.get(narrowed).status_code for _ in range(3)] == [200, 200, 429]
        assert client.get(f"{API}/services?format=ndjson&search=cancer").status_code == 429
        assert [client.get(FULL_NDJSON).status_code for _ in range(4)] == [200] * 4
        assert client.get(f"{API}/services?search=cancer").status_code == 200
    finally:
        del app.config["ORUK_EXPENSIVE_LIMIT"]


def test_the_import_command_builds_the_feeds_before_anyone_asks(runner, app, session):
    for name in ("taxonomy.json", "services.json"):
        result = runner.invoke(args=["directory", "import", str(CONTENT / "directory" / name)])
        assert result.exit_code == 0, result.output
    assert f"built {len(feeds.PREBUILT)} ORUK feed files" in result.output
    for feed in feeds.PREBUILT:
        assert len(feed_files(app, feed.name)) >= 1


def test_gunicorn_workers_asking_at_once_build_the_feed_once_and_send_the_same_file(app, session, tmp_path):
    data = generator.generate(600, 5, CONTENT / "directory")
    with app.app_context():
        assert import_write.apply(session, import_read.read_json(json.dumps(data))).ok
    log = tmp_path / "gunicorn.log"
    env = {
        "ALLIANCE_ENV": "development",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
    }
    with gunicorn("wsgi:app", env=env, ready_path="/healthz", log=log) as base:
        bodies, etags, errors = [], [], []

        def ask():
            try:
                with urllib.request.urlopen(base + FULL_NDJSON, timeout=120) as response:
                    bodies.append(response.read())
                    etags.append(response.headers["ETag"])
            except OSError as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert len(bodies) == 6 and len(set(bodies)) == 1 and len(set(etags)) == 1
    assert len(bodies[0].splitlines()) == 600
    built = re.findall(r"feed built: services-full version", log.read_text())
    assert len(built) == 1, log.read_text()[-2000:]


def test_a_page_cut_from_a_feed_is_gzipped_as_it_streams_when_the_reader_accepts_it(client, directory):
    url = f"{API}/organizations?full_service=true&per_page=4"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.get_data())) == plain.get_json()
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_the_feeds_command_builds_every_feed_and_a_second_run_reuses_them(runner, directory, app):
    first = runner.invoke(args=["directory", "feeds"])
    assert first.exit_code == 0, first.output
    assert len(first.output.splitlines()) == len(feeds.PREBUILT)
    again = runner.invoke(args=["directory", "feeds"])
    assert again.output == first.output
    for feed in feeds.PREBUILT:
        assert len(feed_files(app, feed.name)) >= 1


def test_a_half_written_feed_left_by_a_stopped_worker_is_removed_at_the_next_build(client, directory, app):
    folder = Path(app.config["SEARCH_INDEX_DIR"]) / feeds.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    abandoned = folder / ".services-full.0000.ndjson.999.1.tmp"
    abandoned.write_text("{")
    recent = folder / ".services-full.0001.ndjson.999.2.idx"
    recent.write_text("")
    hour_ago = time.time() - feeds.ABANDONED - 60
    os.utime(abandoned, (hour_ago, hour_ago))
    service = directory.scalars(select(m.Service).order_by(m.Service.id)).first()
    feed = json.dumps({"services": [{"id": service.id, "name": "Changed again", "status": "active"}]})
    assert import_write.apply(directory, import_read.read_json(feed)).ok
    assert client.get(FULL_NDJSON).status_code == 200
    assert not abandoned.exists()
    assert recent.exists()  # perhaps another worker's build in progress


def test_while_a_worker_builds_a_new_version_readers_get_the_previous_one_at_once(client, directory, app):
    before = client.get(FULL_NDJSON)
    service = directory.scalars(select(m.Service).order_by(m.Service.id)).first()
    feed = json.dumps({"services": [{"id": service.id, "name": "Renamed meanwhile", "status": "active"}]})
    assert import_write.apply(directory, import_read.read_json(feed)).ok
    lock_path = Path(app.config["SEARCH_INDEX_DIR"]) / feeds.FOLDER / ".services-full.lock"
    with lock_path.open("w") as building:
        fcntl.flock(building, fcntl.LOCK_EX)  # as a worker building the new version holds it
        meanwhile = client.get(FULL_NDJSON)
        fcntl.flock(building, fcntl.LOCK_UN)
    assert meanwhile.status_code == 200
    assert meanwhile.headers["ETag"] == before.headers["ETag"]
    assert "Renamed meanwhile" not in meanwhile.get_data(as_text=True)
    after = get_rebuilt(client, FULL_NDJSON, before.headers["ETag"])
    assert "Renamed meanwhile" in after.get_data(as_text=True)


def test_the_ndjson_feed_is_sent_gzipped_from_its_own_file_when_the_reader_accepts_it(client, directory, app):
    plain = client.get(FULL_NDJSON)
    packed = client.get(FULL_NDJSON, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in packed.headers["Vary"]
    again = client.get(
        FULL_NDJSON, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304
    for path in feed_files(app, "services-full"):
        assert feeds.gzipped(path).exists()
