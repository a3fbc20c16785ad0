"""The outbox's services: enqueue a message, claim and send what is due, and the failed-mail list.

Claiming is a conditional UPDATE (only a row still due changes, and the row count says whether this
sender won), committed before the message is handed to the transport, so two senders (two nodes, or cron
overlapping the loop) never send one message twice. The same statement is correct on SQLite, where
writers take turns, and on PostgreSQL, where the second UPDATE waits for the first and then finds the
row no longer due. A sender that dies mid-send leaves its claim; after MAIL_CLAIM_TIMEOUT the message is
due again (at least once, rather than lost).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from alliance.database import utcnow
from alliance.outbox.models import DISCARDED, DROPPED, FAILED, PENDING, SENDING, SENT, OutboxMessage
from alliance.outbox.transports import Attachment, DeliveryError, Outgoing, Transport

MAX_ERROR_LENGTH = 1000
# The headers a caller may add: what a list message needs (RFC 2369, RFC 8058), nothing that could
# change who the message is from or to.
EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id")
MAX_ATTACHMENT_CHARACTERS = 100_000


def enqueue(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    kind: str,
    sensitive: bool = False,
    headers: Mapping[str, str] | None = None,
    attachments: list[Attachment] | None = None,
) -> None:
    """Add an email to the outbox in the caller's transaction; `flask mail send` delivers it after commit.

    to: one address. subject: one line. body: plain text. kind: what the message is for, a short
    name such as "password-reset" (the failed-mail page shows it; NOTIFY_TEMPLATES may give it its own
    Notify template). sensitive: a security message (a sign-in or reset link): its body is never
    shown in the back-office and is emptied once the message is sent or discarded.

    headers: list headers (only EXTRA_HEADERS). attachments: small text files (an iCalendar invitation).

    Raises ValueError for an address or subject that cannot be sent (no "@", or a line break), or a
    header or attachment that is not allowed.
    """
    to = to.strip()
    if "@" not in to or len(to) > 254 or any(c in to for c in "\r\n,;"):
        raise ValueError(f"Not one email address: {to!r}")
    if "\r" in subject or "\n" in subject or len(subject) > 300:
        raise ValueError("A subject is one line of at most 300 characters")
    headers = dict(headers or {})
    for name, value in headers.items():
        if name not in EXTRA_HEADERS or "\r" in value or "\n" in value:
            raise ValueError(f"Header not allowed: {name!r}")
    for attachment in attachments or []:
        if "/" not in attachment.content_type or len(attachment.text) > MAX_ATTACHMENT_CHARACTERS:
            raise ValueError(f"Attachment not allowed: {attachment.filename!r}")
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,80}", attachment.filename):
            raise ValueError(f"Attachment name not allowed: {attachment.filename!r}")
    session.add(
        OutboxMessage(
            kind=kind,
            to_address=to,
            subject=subject,
            body=body,
            sensitive=sensitive,
            headers=json.dumps(headers),
            attachments=json.dumps([asdict(attachment) for attachment in attachments or []]),
        )
    )


def _outgoing(row: OutboxMessage) -> Outgoing:
    headers = json.loads(row.headers or "{}")
    return Outgoing(
        row.id,
        row.kind,
        row.to_address,
        row.subject,
        row.body,
        headers=tuple((name, value) for name, value in headers.items() if name in EXTRA_HEADERS),
        attachments=tuple(Attachment(**item) for item in json.loads(row.attachments or "[]")),
    )


# A composer writes a message of its kind when the sender first claims it, in the sender's own
# transaction: composer(session, message, config) fills in kind, subject, body and sensitive and returns
# True, or returns False when there is nothing to send (the message is dropped). It lets a request
# queue the same one row whatever it finds (a password reset for an address that may have no
# account), leaving the lookups and the token to the sender.
Composer = Callable[[Session, OutboxMessage, Mapping], bool]
COMPOSERS: dict[str, Composer] = {}


def register_composer(kind: str, composer: Composer) -> None:
    COMPOSERS[kind] = composer


@dataclass(frozen=True)
class Policy:
    """How hard to try: at most `max_attempts` tries, waiting retry_base * 2^(tries - 1), at most retry_max."""

    max_attempts: int = 6
    retry_base_seconds: int = 60
    retry_max_seconds: int = 6 * 60 * 60
    claim_timeout_seconds: int = 15 * 60
    batch: int = 50

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(
            max_attempts=int(config["MAIL_MAX_ATTEMPTS"]),
            retry_base_seconds=int(config["MAIL_RETRY_BASE_SECONDS"]),
            retry_max_seconds=int(config["MAIL_RETRY_MAX_SECONDS"]),
            claim_timeout_seconds=int(config["MAIL_CLAIM_TIMEOUT_SECONDS"]),
            batch=int(config["MAIL_SEND_BATCH"]),
        )

    def delay_after(self, attempts: int) -> timedelta:
        """The wait before the next try, after `attempts` failed tries (1 or more)."""
        exponent = min(max(attempts - 1, 0), 30)
        return timedelta(seconds=min(self.retry_max_seconds, self.retry_base_seconds * 2**exponent))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Due when listed, but another sender claimed it first.
    skipped: int = 0
    # Its composer found nothing to send.
    dropped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped + self.dropped

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.skipped += other.skipped
        self.dropped += other.dropped


def _due(now: datetime, policy: Policy):
    stale = now - timedelta(seconds=policy.claim_timeout_seconds)
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < stale),
    )


def _claim(session: Session, message_id: int, now: datetime, policy: Policy) -> tuple[Outgoing, str] | None:
    token = secrets.token_hex(16)
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now, policy))
        .values(status=SENDING, claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
        return None
    # populate_existing: the session may hold this row from before the claim (expire_on_commit is off).
    row = session.get_one(OutboxMessage, message_id, populate_existing=True)
    return _outgoing(row), token


def _compose(session: Session, message_id: int, config: Mapping) -> Outgoing | None:
    """Let the kind's composer write the claimed message; None when it finds nothing to send."""
    row = session.get_one(OutboxMessage, message_id)
    if not COMPOSERS[row.kind](session, row, config):
        session.rollback()
        return None
    session.commit()
    return _outgoing(row)


def _finish(session: Session, message_id: int, token: str, **values) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def send_one(
    session: Session, transport: Transport, message_id: int, now: datetime, policy: Policy, config: Mapping
) -> str:
    """Claim one message and try it: "sent", "retrying", "failed", "dropped" (its composer found nothing
    to send) or "skipped" (another sender has it)."""
    claimed = _claim(session, message_id, now, policy)
    if claimed is None:
        return "skipped"
    outgoing, token = claimed
    row = session.get_one(OutboxMessage, message_id)
    attempts, sensitive = row.attempts, row.sensitive
    try:
        if outgoing.kind in COMPOSERS:
            composed = _compose(session, message_id, config)
            if composed is None:
                _finish(session, message_id, token, status=DROPPED, body="")
                return "dropped"
            outgoing = composed
        provider_id = transport.send(outgoing)
    except DeliveryError as error:
        problem, permanent = str(error), error.permanent
    except Exception as error:  # a composer's or transport's bug must not stop the other messages
        session.rollback()
        problem, permanent = f"{error.__class__.__name__}: {error}", False
    else:
        done = {"status": SENT, "sent_at": utcnow(), "provider_id": provider_id[:100], "last_error": ""}
        if sensitive:
            done["body"] = ""
        _finish(session, message_id, token, **done)
        return "sent"
    problem = problem[:MAX_ERROR_LENGTH]
    if permanent or attempts >= policy.max_attempts:
        _finish(session, message_id, token, status=FAILED, last_error=problem)
        return "failed"
    _finish(
        session,
        message_id,
        token,
        status=PENDING,
        last_error=problem,
        next_attempt_at=now + policy.delay_after(attempts),
    )
    return "retrying"


def send_due(
    session: Session,
    transport: Transport,
    policy: Policy,
    now: datetime | None = None,
    config: Mapping | None = None,
) -> SendReport:
    """Try up to `policy.batch` messages that are due at `now` (oldest first); say what happened.

    `config` (the app's) is handed to composers."""
    now = now or utcnow()
    ids = list(
        session.scalars(
            select(OutboxMessage.id)
            .where(_due(now, policy))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(policy.batch)
        )
    )
    session.commit()
    report = SendReport()
    for message_id in ids:
        outcome = send_one(session, transport, message_id, now, policy, config or {})
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def send_all_due(session: Session, transport: Transport, policy: Policy, config: Mapping) -> SendReport:
    """Batches of send_due until a batch comes back short: what cron's `flask mail send` runs."""
    total = SendReport()
    while True:
        report = send_due(session, transport, policy, config=config)
        total.add(report)
        if report.handled < policy.batch:
            return total


def prune(session: Session, keep_days: int, now: datetime | None = None) -> int:
    """Delete messages queued and sent (or dropped, or discarded) more than `keep_days` ago; failed
    ones stay for staff to see."""
    before = (now or utcnow()) - timedelta(days=keep_days)
    result = session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status.in_((SENT, DROPPED, DISCARDED)),
            OutboxMessage.created_at < before,
            or_(OutboxMessage.sent_at.is_(None), OutboxMessage.sent_at < before),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount  # type: ignore[attr-defined]  # a DELETE returns a CursorResult


# --- The failed-mail page -------------------------------------------------------------------

# A reset or sign-in token, or anything else long and random, in an error of a security message.
_SECRET = re.compile(r"[A-Za-z0-9_\-]{24,}")


@dataclass(frozen=True)
class ProblemRow:
    id: int
    kind: str
    to: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime | None
    # None for a security message: its body is never shown.
    body: str | None


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _is_problem(now: datetime):
    return or_(
        OutboxMessage.status == FAILED,
        and_(OutboxMessage.status == PENDING, OutboxMessage.attempts > 0),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - timedelta(minutes=5)),
    )


def problem_count(session: Session, now: datetime | None = None) -> int:
    """How many messages `problems` would list, without a limit."""
    return (
        session.scalar(select(func.count()).select_from(OutboxMessage).where(_is_problem(now or utcnow())))
        or 0
    )


def problems(session: Session, now: datetime | None = None, limit: int = 200) -> list[ProblemRow]:
    """Messages that gave up, wait to be retried, or whose sender died mid-send; newest first."""
    now = now or utcnow()
    rows = session.scalars(
        select(OutboxMessage).where(_is_problem(now)).order_by(OutboxMessage.id.desc()).limit(limit)
    ).all()
    return [
        ProblemRow(
            id=row.id,
            kind=row.kind,
            to=row.to_address,
            subject=row.subject,
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=_aware(row.next_attempt_at) if row.status == PENDING else None,
            last_error=_SECRET.sub("[hidden]", row.last_error) if row.sensitive else row.last_error,
            created_at=_aware(row.created_at),
            body=None if row.sensitive else row.body,
        )
        for row in rows
    ]


def retry(session: Session, message_id: int) -> OutboxMessage | None:
    """Put a failed or waiting message back in line now, with its full number of tries; None if it is not."""
    row = session.get(OutboxMessage, message_id)
    if row is None or not (row.status == FAILED or (row.status == PENDING and row.attempts > 0)):
        return None
    row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
    return row


def discard(session: Session, message_id: int) -> OutboxMessage | None:
    """Set aside a failed or waiting message for good; None if it is not one."""
    row = session.get(OutboxMessage, message_id)
    if row is None or not (row.status == FAILED or (row.status == PENDING and row.attempts > 0)):
        return None
    row.status = DISCARDED
    if row.sensitive:
        row.body = ""
    return row
