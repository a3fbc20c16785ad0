"""Rate-limit counters in a real Redis: every key starts with the site's prefix and holds no client
address or typed email in clear. The app runs in a process of its own (the limiter is one per process).

Skips without Redis on 127.0.0.1, unless REQUIRE_POSTGRES=1 (as in CI), where its absence fails the run.
"""

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from alliance.accounts.services import fingerprint

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
ADDRESS = "203.0.113.7"
EMAIL = "someone.typed@example.nhs.uk"

SCRIPT = textwrap.dedent(
    """
    import re, sys
    from alliance import create_app

    url, redis_url, prefix, index, address, email = sys.argv[1:7]
    app = create_app("test", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": index,
                              "RATELIMIT_STORAGE_URI": redis_url, "REDIS_KEY_PREFIX": prefix,
                              "RATELIMIT_KEY_PREFIX": prefix})
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    erase = client.post("/en/surveys/erase", data={"reference": "ABCD-EFGH"})
    page = client.get("/backoffice/password-reset").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    reset = client.post("/backoffice/password-reset", data={"csrf_token": token, "email": email})
    print(erase.status_code, reset.status_code)
    """
)


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis at {REDIS_URL} is needed for this test")
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    yield client, prefix
    for key in client.scan_iter(match=f"*{prefix}*", count=500):
        client.delete(key)
    client.close()


def test_rate_limit_keys_start_with_the_site_prefix_and_hold_addresses_only_as_keyed_hashes(app, redis_db):
    client, prefix = redis_db
    args = [app.config["DATABASE_URL"], REDIS_URL, prefix, app.config["SEARCH_INDEX_DIR"], ADDRESS, EMAIL]
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "site") + os.pathsep + str(ROOT)},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["400", "200"]
    keys = [key.decode() for key in client.scan_iter(match=f"*{prefix}*", count=500)]
    assert len(keys) >= 3, keys  # the erase form's limit, and the reset request's two
    assert all(key.startswith(prefix) for key in keys), keys
    assert not [key for key in keys if ADDRESS in key or EMAIL in key], keys
    hashed = fingerprint(ADDRESS, "test-only-key")
    assert any(f"client-{hashed}" in key and "erase" in key for key in keys), keys
    assert any("password-reset/client" in key and hashed in key for key in keys), keys
    assert any(fingerprint(EMAIL, "test-only-key") in key for key in keys), keys
