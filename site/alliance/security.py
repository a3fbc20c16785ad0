"""Security headers on every response; a fresh CSP nonce for every request."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
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


def init_app(app: Flask) -> None:
    @app.before_request
    def _make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        nonce = g.get("csp_nonce") or secrets.token_urlsafe(16)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=(), interest-cohort=()"
        if app.config["HSTS"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
