"""`flask seed` for events: add the example events in content/events/ that the site does not have.

An event is matched by its key; one the site already has (perhaps edited by staff since) is never
changed. Dates are days after the seed runs, so a demo site always has upcoming events."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.events import staff
from alliance.events.models import Event


def seed_events(session: Session, content_dir: Path) -> tuple[int, str]:
    path = content_dir / "events" / "events.json"
    if not path.is_file():
        return 0, "no content/events/events.json"
    have = set(session.scalars(select(Event.seed_key).where(Event.seed_key.is_not(None))))
    added = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        if item["key"] in have:
            continue
        details = staff.EventDetails(
            title=item["title"],
            summary=item["summary"],
            description=item.get("description", ""),
            day=date.today() + timedelta(days=int(item["starts_in_days"])),
            starts=item["starts"],
            ends=item["ends"],
            format=item["format"],
            venue_name=item.get("venue_name", ""),
            venue_address=item.get("venue_address", ""),
            access=list(item.get("access", [])),
            interpreters=list(item.get("interpreters", [])),
            joining_details=item.get("joining_details", ""),
            capacity=int(item["capacity"]),
            example_data=bool(item.get("example_data", True)),
        )
        event, _ = staff.save(session, None, details)
        event.seed_key = item["key"]
        staff.publish(event)
        for lang, text in item.get("translations", {}).items():
            staff.save_translation(
                session, event, lang, text["title"], text["summary"], text.get("description", "")
            )
        added += 1
    session.commit()
    return added, f"added {added} example events"
