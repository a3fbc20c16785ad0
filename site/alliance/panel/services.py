"""Joining, withdrawing from and inviting the people's panel."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance import signed_links
from alliance.panel import mail
from alliance.panel.models import ACTIVE, WAYS, WITHDRAWN, PanelEquality, PanelMember
from alliance.spreadsheets import safe_cell
from alliance.surveys import equality, suppression

WITHDRAW = "panel-withdraw"


@dataclass
class Joining:
    name: str
    email: str
    ways: list[str]
    locality: str
    languages: list[str]
    consent_text: str


def join(
    session: Session, joining: Joining, answers: dict[str, str], lang: str, now: datetime
) -> PanelMember:
    """Add the person to the panel and email them a welcome with the link to withdraw. Their equality
    answers, if any, are stored apart with nothing linking them to the person. The caller commits."""
    member = PanelMember(
        status=ACTIVE,
        name=joining.name.strip(),
        email=joining.email.strip(),
        ways=" ".join(way for way in WAYS if way in joining.ways),
        locality=joining.locality,
        languages=" ".join(joining.languages),
        lang=lang,
        consent_text=joining.consent_text,
        consented_at=now,
        salt=secrets.token_hex(16),
        created_at=now,
    )
    session.add(member)
    kept = equality.clean(answers)
    if kept:
        session.add(PanelEquality(id=secrets.token_hex(16), submitted_on=now.date(), **kept))
    session.flush()
    mail.send_welcome(session, member)
    return member


def withdraw_token(member: PanelMember) -> str:
    assert member.salt
    return signed_links.make(WITHDRAW, member.id, member.salt)


def by_token(session: Session, token: str) -> PanelMember | None:
    number = signed_links.record_id(token)
    if number is None:
        return None
    member = session.get(PanelMember, number)
    if (
        member is None
        or member.status != ACTIVE
        or not signed_links.matches(WITHDRAW, member.id, member.salt, token)
    ):
        return None
    return member


def withdraw(member: PanelMember, now: datetime) -> None:
    """At once: who they are is erased; the row stays for the numbers."""
    member.status, member.withdrawn_at = WITHDRAWN, now
    member.name = member.email = member.salt = None


def members(session: Session, way: str = "", locality: str = "") -> list[PanelMember]:
    query = select(PanelMember).where(PanelMember.status == ACTIVE).order_by(PanelMember.created_at)
    rows = session.scalars(query).all()
    return [
        m for m in rows if (not way or way in m.ways.split()) and (not locality or m.locality == locality)
    ]


def counts(session: Session) -> dict[str, int]:
    rows = dict(session.execute(select(PanelMember.status, func.count()).group_by(PanelMember.status)).all())
    return {"active": rows.get(ACTIVE, 0), "withdrawn": rows.get(WITHDRAWN, 0)}


def members_csv(rows: list[PanelMember]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "how they want to take part", "area", "languages", "joined (UTC)"])
    for row in rows:
        joined = row.created_at.strftime("%Y-%m-%d") if row.created_at else ""
        writer.writerow(
            [safe_cell(row.name), safe_cell(row.email), row.ways, row.locality, row.languages, joined]
        )
    return out.getvalue()


def equality_totals(session: Session) -> list[tuple[object, list[tuple[object, str]], bool]]:
    """Each equality question with its answers' counts after small-number suppression (as in survey
    reports): (question, [(answer, shown count)], hidden)."""
    totals = []
    rows = session.scalars(select(PanelEquality)).all()
    for question in equality.QUESTIONS:
        options = equality.options(question)
        column = [sum(getattr(row, question.key) == key for row in rows) for key, _text in options]
        result = suppression.suppress_column(column)
        shown = [
            (text, suppression.display(value[0] if value else None))
            for (_key, text), value in zip(options, result.cells, strict=True)
        ]
        totals.append((question.text, shown, result.hidden))
    return totals


def invite(session: Session, chosen: list[PanelMember], subject: str, message: str, link: str) -> int:
    """Email each chosen member (through the outbox) staff's invitation; how many were queued."""
    for member in chosen:
        mail.send_invitation(session, member, subject, message, link)
    return len(chosen)
