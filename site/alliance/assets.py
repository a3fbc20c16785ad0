"""Static assets: the NHS.UK frontend and the Easy Read pictures copied from node_modules, fingerprinted
URLs, compression."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import time
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory, url_for

STATIC = Path(__file__).resolve().parent / "static"
NHSUK_DIST = Path("node_modules/nhsuk-frontend/dist/nhsuk")
NHSUK_FILES = ["nhsuk-frontend.min.css", "nhsuk-frontend.min.js"]
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")
YEAR = 365 * 24 * 3600


def build(project_root: Path) -> list[str]:
    """Copy nhsuk-frontend's compiled files into static/nhsuk and the Easy Read pictures into static/icons
    (both ignored by git)."""
    from alliance import pictures

    source = project_root / NHSUK_DIST
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: run `npm ci` first")
    target = STATIC / "nhsuk"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in NHSUK_FILES:
        shutil.copy2(source / name, target / name)
    shutil.copytree(source / "assets", target / "assets")
    copied = [str(p.relative_to(STATIC)) for p in sorted(target.rglob("*")) if p.is_file()]
    return copied + pictures.build(project_root, STATIC)


@lru_cache(maxsize=256)
def _fingerprint(filename: str, mtime: float) -> str:
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


# Each file's fingerprint is rechecked at most this often, so pages do not stat files on every request.
RECHECK_SECONDS = 2.0
_versions: dict[str, tuple[float, str]] = {}


def asset_url(filename: str) -> str:
    now = time.monotonic()
    known = _versions.get(filename)
    if known is None or now - known[0] > RECHECK_SECONDS:
        path = STATIC / filename
        known = (now, _fingerprint(filename, path.stat().st_mtime) if path.exists() else "missing")
        _versions[filename] = known
    return url_for("static", filename=filename, v=known[1])


@lru_cache(maxsize=64)
def _gzip_cached(key: str, data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6)


def _compress(response: Response, min_bytes: int) -> Response:
    if (
        response.status_code < 200
        or response.status_code >= 300
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return response
    response.headers.add("Vary", "Accept-Encoding")
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < min_bytes:
        return response
    if request.endpoint in ("static", "nhsuk_assets"):
        # Static files are the same bytes every time: compress each once.
        compressed = _gzip_cached(request.path + hashlib.sha256(data).hexdigest(), data)
    else:
        compressed = gzip.compress(data, compresslevel=6)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    app.add_template_global(asset_url)

    @app.route("/assets/<path:filename>", endpoint="nhsuk_assets")
    def nhsuk_assets(filename: str) -> Response:
        # nhsuk-frontend's CSS refers to /assets/images/...; serve them where it looks.
        directory = STATIC / "nhsuk" / "assets"
        if not directory.exists():
            abort(404)
        response = send_from_directory(directory, filename, max_age=24 * 3600)
        return response

    @app.after_request
    def _cache_and_compress(response: Response) -> Response:
        if request.endpoint == "static":
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "public, max-age=3600"
        return _compress(response, app.config["COMPRESS_MIN_BYTES"])
