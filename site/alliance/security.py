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


def header_items(nonce: str, hsts: bool) -> list[tuple[str, str]]:
    """Every security header for a response whose scripts carry `nonce`."""
    items = [
        ("Content-Security-Policy", content_security_policy(nonce)),
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
    @app.before_request
    def _make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        nonce = g.get("csp_nonce") or secrets.token_urlsafe(16)
        for name, value in header_items(nonce, app.config["HSTS"]):
            if name not in response.headers:
                response.headers[name] = value
        return response
