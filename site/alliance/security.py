"""Security headers on every response; the CSP allows the site's constant inline scripts by hash.

The only inline scripts are the NHS.UK template's `js-enabled` line and the module script that starts
nhsuk-frontend. Both are the same text for every reader, so the policy lists their SHA-256 hashes
instead of a per-request nonce, and a page is the same bytes for everyone (ADR 0006): it can be
cached, tagged and shared by a proxy. A script whose hash is not listed does not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

from flask import Flask, Response, current_app
from markupsafe import Markup

NHSUK_TEMPLATE = "nhsuk/template.jinja"
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL)


def nhsuk_init_script() -> Markup:
    """The text of the module script that starts nhsuk-frontend (base.html puts it inline)."""
    from alliance.assets import asset_url

    url = asset_url("nhsuk/nhsuk-frontend.min.js")
    return Markup(f'import {{ initAll }} from "{url}"; initAll();')


def vendor_inline_scripts(app: Flask) -> list[str]:
    """The inline scripts of the NHS.UK page template, read from the template itself."""
    source, _filename, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, NHSUK_TEMPLATE)
    return _SCRIPT.findall(source)


@lru_cache(maxsize=64)
def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script_hashes: list[str] | tuple[str, ...]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self'",
            "img-src 'self' data:",
            # The NHS frontend CSS loads the Frutiger web font from the NHS asset host.
            "font-src 'self' https://assets.nhs.uk",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def current_policy() -> str:
    """The policy for pages rendered now (needs a request: the init script names a fingerprinted URL)."""
    scripts = [*current_app.extensions["csp_vendor_scripts"], str(nhsuk_init_script())]
    return _policy_for(tuple(script_hash(script) for script in scripts))


@lru_cache(maxsize=16)
def _policy_for(hashes: tuple[str, ...]) -> str:
    return content_security_policy(hashes)


def header_items(csp: str, hsts: bool) -> list[tuple[str, str]]:
    """Every security header for a response under the policy `csp`."""
    items = [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()"),
    ]
    if hsts:
        items.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return items


def init_app(app: Flask) -> None:
    app.extensions["csp_vendor_scripts"] = vendor_inline_scripts(app)
    app.add_template_global(nhsuk_init_script)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in header_items(current_policy(), app.config["HSTS"]):
            if name not in response.headers:
                response.headers[name] = value
        return response
