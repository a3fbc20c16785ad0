"""/.well-known/security.txt (RFC 9116): who to tell about a vulnerability, from configuration."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

logger = logging.getLogger("alliance.ops")
# Unless SECURITY_EXPIRES says otherwise: the RFC asks for less than a year ahead.
DEFAULT_LIFETIME = timedelta(days=180)


def _contact(value: str) -> str:
    return value if value.startswith(("mailto:", "https://", "tel:")) else f"mailto:{value}"


def expires(config: dict[str, Any], now: datetime) -> datetime:
    """SECURITY_EXPIRES (ISO 8601; a date means its midnight UTC), or DEFAULT_LIFETIME from `now`."""
    configured = config.get("SECURITY_EXPIRES")
    if configured:
        try:
            moment = datetime.fromisoformat(configured)
        except ValueError:
            logger.warning(
                "SECURITY_EXPIRES=%r is not an ISO 8601 date or time; using the default", configured
            )
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (now + DEFAULT_LIFETIME).replace(hour=0, minute=0, second=0, microsecond=0)


def security_txt(config: dict[str, Any], canonical_url: str, now: datetime) -> str:
    contacts = [
        _contact(value.strip())
        for value in (config.get("SECURITY_CONTACT") or config["ALLIANCE_CONTACT_EMAIL"]).split(",")
        if value.strip()
    ]
    fields = [*(("Contact", contact) for contact in contacts)]
    fields.append(("Expires", expires(config, now).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    fields.append(("Preferred-Languages", config["SECURITY_LANGUAGES"]))
    fields.append(("Canonical", canonical_url))
    if config.get("SECURITY_POLICY_URL"):
        fields.append(("Policy", config["SECURITY_POLICY_URL"]))
    return "".join(f"{name}: {value}\n" for name, value in fields)
