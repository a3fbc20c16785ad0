"""Moderation of free-text survey answers: personal data and safeguarding detection, the review queue,
decisions (approve, redact, reject) and themes.

Detection is a set of pure functions. The queue holds one AnswerReview per free-text answer (the text
of short_text and long_text questions, and the "other, please say" text of choice questions). Services
take primitives and a session and return plain values; the caller commits unless a docstring says
otherwise. Nothing here writes an answer's text anywhere but the review row it belongs to.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from alliance.outbox.services import enqueue
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    AnswerTheme,
    Option,
    Question,
    Response,
    Survey,
    SurveyText,
    Theme,
)

SAFEGUARDING_FILE = Path(__file__).resolve().parents[3] / "content" / "surveys" / "safeguarding.json"
REDACTED = "[redacted]"
STATUSES = ("pending", "approved", "rejected")
DECISIONS = ("approve", "redact", "reject")
TEXT_KINDS = ("short_text", "long_text")

PII_LABELS = {
    "email": "possible email address",
    "phone": "possible phone number",
    "nhs_number": "possible NHS number",
    "postcode": "possible postcode",
    "name": "possible name",
}


class ModerationError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field the message belongs to, when there is one


# Normalising text ---------------------------------------------------------------------------------------


def _ascii_digits(text: str) -> str:
    """The text with every decimal digit (Arabic-Indic, Bengali, Gurmukhi, full-width...) as 0-9 and
    full-width Latin as ASCII, one character for one, so offsets still point into the original."""
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif "\uff01" <= char <= "\uff5e":
            out.append(chr(ord(char) - 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


# Letters written differently in Arabic, Urdu and Sorani keyboards, and marks people often leave out.
_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0649": "\u06cc",  # alef maksura
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0629": "\u0647",  # teh marbuta
        "\u06c1": "\u0647",  # heh goal
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u0a3c": None,  # Gurmukhi nukta
        "\u0142": "l",  # Polish l with stroke has no decomposition
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2013": " ",
        "\u2014": " ",
    }
)
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text folded for matching phrases: NFKC, case folded, Latin accents dropped (people often type
    Polish, Romanian and Slovak without them), Arabic-script letter variants unified, vowel marks and
    joiners removed, dashes as spaces, runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept = []
    for char in decomposed:
        if unicodedata.category(char) == "Mn" and kept and ord(kept[-1]) < 0x250:
            continue  # an accent on a Latin letter
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).translate(_FOLD)
    text = _ARABIC_MARKS.sub("", text)
    return _SPACES.sub(" ", text).strip()


# Personal data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # email, phone, nhs_number, postcode, name
    text: str

    @property
    def label(self) -> str:
        return PII_LABELS[self.kind]


EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# +44 7700 900123, +44 (0)114 496 0000, 0044 ..., 07700 900123, (0114) 496 0000, 0114-496-0000
PHONE = re.compile(
    r"(?<![0-9+])(?:(?:\+|00)44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)[1-9](?:[\s.()-]{0,2}[0-9]){8,9}(?![0-9])"
)
NHS_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}|[0-9]{10})(?![0-9])")
POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}(?![A-Za-z0-9])")

# "My name is" and its equivalents; the name is the one or two words after it. Urdu and Punjabi put the
# verb after the name ("میرا نام احمد ہے"): the verb is a stop word, never part of the name.
NAME_INTROS = {
    "en": [r"my name is", r"my name's", r"i am called", r"i'm called"],
    "ar": [r"اسمي(?:\s+هو)?", r"أنا اسمي"],
    "bn": [r"আমার নাম"],
    "ckb": [r"ناوم", r"ناوی من"],
    "pa": [r"ਮੇਰਾ ਨਾਮ", r"ਮੇਰਾ ਨਾਂ"],
    "pl": [r"nazywam się", r"nazywam sie", r"mam na imię", r"mam na imie", r"moje imię to"],
    "ro": [r"numele meu este", r"numele meu e", r"mă numesc", r"ma numesc", r"mă cheamă", r"ma cheama"],
    "sk": [r"volám sa", r"volam sa", r"moje meno je"],
    "so": [r"magacaygu waa", r"magacayga waa", r"magacaygu"],
    "ur": [r"میرا نام", r"مېرا نام"],
    "zh": [r"我叫", r"我的名字是", r"我的名字叫", r"我名叫"],
}
NAME_STOP_WORDS = {"ہے", "ہیں", "تھا", "ਹੈ", "ਸੀ", "هو", "است", "and", "i", "is", "from", "waa", "e", "este"}
# A word: letters and the vowel signs of Bengali, Gurmukhi and Arabic script, up to a space or punctuation.
_WORD = re.compile(r"[^\s\d.,;:!?\u060c\u061b\u06d4\u3002\uff0c\u3001\uff01\uff1f()\[\]\"\u201c\u201d]+")
_HAN = re.compile(r"[\u3400-\u9fff]{2,3}")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _intro_pattern(lang: str) -> re.Pattern:
    langs = dict.fromkeys([lang, "en"])
    intros = [intro for code in langs for intro in NAME_INTROS.get(code, [])]
    return re.compile(r"(?<!\w)(?:" + "|".join(intros) + r")[\s:,]*", re.IGNORECASE)


def _name_after(text: str, start: int) -> tuple[int, int] | None:
    """The span of the one or two words of a name starting at `start`, or None."""
    han = _HAN.match(text, start)
    if han:
        return han.start(), han.end()
    first = _WORD.match(text, start)
    if not first or first.group().casefold() in NAME_STOP_WORDS:
        return None
    end = first.end()
    gap = re.match(r"[ \t]+", text[end:])
    if gap:
        second = _WORD.match(text, end + gap.end())
        # A second word counts only when capitalised ("Jane Smith", not "jane and"); scripts without
        # capitals join words like "and" to the next one, so there the name is one word.
        if second and second.group().casefold() not in NAME_STOP_WORDS and second.group()[0].isupper():
            end = second.end()
    return start, end


def _valid_nhs_number(digits: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _is_uk_phone(found: str) -> bool:
    digits = re.sub(r"[^0-9]", "", found.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and found.lstrip().startswith("+"):
        digits = "0" + digits[2:]
    return digits.startswith("0") and len(digits) in (10, 11) and digits[1] in "123578"


def find_personal_data(text: str, lang: str) -> list[Span]:
    """Likely personal data in an answer, in order, never overlapping: emails, UK phone numbers,
    NHS numbers whose modulus-11 check digit is valid, full UK postcodes, and names after "my name is"
    in `lang` or English. Digits in any script count."""
    shadow = _ascii_digits(text)
    found: list[Span] = []

    def add(start: int, end: int, kind: str) -> None:
        while end > start and text[end - 1] in " \t\n.,":
            end -= 1
        found.append(Span(start, end, kind, text[start:end]))

    for match in EMAIL.finditer(shadow):
        add(match.start(), match.end(), "email")
    for match in NHS_NUMBER.finditer(shadow):
        if _valid_nhs_number(re.sub(r"[^0-9]", "", match.group())):
            add(match.start(), match.end(), "nhs_number")
    for match in PHONE.finditer(shadow):
        if _is_uk_phone(match.group()):
            add(match.start(), match.end(), "phone")
    for match in POSTCODE.finditer(shadow):
        add(match.start(), match.end(), "postcode")
    for match in _intro_pattern(lang).finditer(shadow):
        name = _name_after(text, match.end())
        if name:
            add(*name, "name")
    kept: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def segments(text: str, spans: list[Span]) -> list[tuple[str, Span | None]]:
    """The text cut into (piece, span) for display: span is None for the pieces between the spans."""
    pieces: list[tuple[str, Span | None]] = []
    position = 0
    for span in spans:
        if span.start > position:
            pieces.append((text[position : span.start], None))
        pieces.append((text[span.start : span.end], span))
        position = span.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


# Safeguarding ----------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def safeguarding_data(path: str = str(SAFEGUARDING_FILE)) -> dict:
    """content/surveys/safeguarding.json: concerns, phrases per language and the instructions."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def _phrase_patterns(lang: str) -> dict[str, re.Pattern]:
    phrases = safeguarding_data()["phrases"]
    groups: dict[str, list[str]] = {}
    for code in dict.fromkeys([lang, "en"]):
        for group, items in phrases.get(code, {}).items():
            groups.setdefault(group, []).extend(items)
    patterns = {}
    for group, items in groups.items():
        parts = []
        for phrase in items:
            stem = phrase.endswith("*")
            body = re.escape(normalise(phrase.rstrip("*")))
            # Word edges matter in scripts with spaces; Chinese has none to match against, and Arabic and
            # Sorani join prefixes ("the", "and", "to") to the word.
            left = "" if _is_han(body[0]) or "\u0600" <= body[0] <= "\u06ff" else r"(?<!\w)"
            right = "" if stem or _is_han(body[-1]) else r"(?!\w)"
            parts.append(left + body + right)
        patterns[group] = re.compile("|".join(parts))
    return patterns


def flag_safeguarding(text: str, lang: str) -> list[str]:
    """The concerns (self_harm, abuse, urgent_referral_delay) whose phrases appear in the text, in the
    answer's language or English. A concern with several phrase groups needs a match in each."""
    folded = normalise(text)
    patterns = _phrase_patterns(lang)
    concerns = safeguarding_data()["concerns"]
    return [
        kind
        for kind, concern in concerns.items()
        if all(group in patterns and patterns[group].search(folded) for group in concern["needs"])
    ]


def concern_label(kind: str) -> str:
    concern = safeguarding_data()["concerns"].get(kind)
    return concern["label"] if concern else kind


def instructions() -> dict:
    """The Alliance's safeguarding instructions for moderators, with the note on the phrase lists."""
    data = safeguarding_data()
    return {**data["instructions"], "note": data["note"]}


def flags_for(text: str, lang: str) -> tuple[list[str], bool]:
    """(flags such as "pii:phone" and "safeguarding:self_harm", urgent)."""
    pii = sorted({span.kind for span in find_personal_data(text, lang)})
    concerns = flag_safeguarding(text, lang)
    return [f"pii:{kind}" for kind in pii] + [f"safeguarding:{kind}" for kind in concerns], bool(concerns)


# Redaction ----------------------------------------------------------------------------------------------

_MARKER = re.compile(re.escape(REDACTED), re.IGNORECASE)


def is_redaction_of(edited: str, original: str) -> bool:
    """True when `edited` is `original` with parts replaced by "[redacted]" and nothing added: the
    pieces between the markers appear in the original, in order, and the text only differs from the
    original where a marker stands."""
    edited, original = edited.replace("\r\n", "\n").strip(), original.replace("\r\n", "\n").strip()
    pieces = _MARKER.split(edited)
    if len(pieces) == 1:
        return edited == original
    if not original.startswith(pieces[0]) or not original.endswith(pieces[-1]):
        return False
    position = len(pieces[0])
    for piece in pieces[1:-1]:
        found = original.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return len(original) - len(pieces[-1]) >= position


def redact(original: str, chosen: list[Span], edited: str | None = None) -> str:
    """The text to publish: `edited` (or the original) with every chosen span replaced by
    "[redacted]" wherever it appears. Raises ModerationError when the edit adds anything."""
    text = original.replace("\r\n", "\n").strip()
    if edited is not None and not edited.strip():
        raise ModerationError("Enter the text to publish, or reject the answer", "text")
    if edited is not None and edited.replace("\r\n", "\n").strip() != text:
        if not is_redaction_of(edited, original):
            raise ModerationError(
                'The edited text may only replace parts of the answer with "[redacted]". '
                "Put back anything else you changed.",
                "text",
            )
        text = _MARKER.sub(REDACTED, edited.replace("\r\n", "\n").strip())
    for span in sorted(chosen, key=lambda s: -len(s.text)):
        if span.text:
            text = re.sub(r"(?<!\w)" + re.escape(span.text) + r"(?!\w)", REDACTED, text)
    return text


# The queue ---------------------------------------------------------------------------------------------


def _free_text_answers(survey_id: int):
    """Answers holding free text: text questions, and "other, please say" text of choice questions."""
    return (
        select(Answer.id, Answer.value, Response.lang, Question.key)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Option, and_(Option.question_id == Question.id, Option.key == Answer.option_key))
        .where(
            Response.survey_id == survey_id,
            func.length(Answer.value) > 0,
            or_(Question.kind.in_(TEXT_KINDS), Option.is_other.is_(True)),
        )
    )


def _new_review(answer_id: int, survey_id: int, value: str, lang: str) -> tuple[AnswerReview, list[str]]:
    flags, urgent = flags_for(value, lang)
    review = AnswerReview(
        answer_id=answer_id, survey_id=survey_id, status="pending", flags=json.dumps(flags), urgent=urgent
    )
    return review, [flag.split(":", 1)[1] for flag in flags if flag.startswith("safeguarding:")]


@dataclass(frozen=True)
class Concern:
    answer_id: int
    concerns: list[str]  # safeguarding concern kinds, such as "self_harm"


def review_response(session: Session, survey_id: int, response_id: int) -> list[Concern]:
    """Add a pending review, with its personal-data and safeguarding flags, for each free-text answer
    of a response just stored (flushed, not committed): the submit path calls it in the response's own
    transaction. Returns the answers that carry a safeguarding concern. The caller commits."""
    rows = session.execute(_free_text_answers(survey_id).where(Answer.response_id == response_id)).all()
    found = []
    for answer_id, value, lang, _key in rows:
        review, concerns = _new_review(answer_id, survey_id, value, lang)
        session.add(review)
        if concerns:
            found.append(Concern(answer_id, concerns))
    session.flush()
    return found


def alert_safeguarding(
    session: Session,
    survey_title: str,
    concerns: list[Concern],
    contacts: list[str],
    link: Callable[[int], str],
) -> int:
    """Queue one email per contact for each flagged answer, in the caller's transaction. The email
    names the survey, the concern and a link to the answer in the back-office (`link(answer_id)`), and
    never the answer's text. Returns how many emails were queued."""
    queued = 0
    for concern in concerns:
        labels = "\n".join(f"- {concern_label(kind)}" for kind in concern.concerns)
        body = (
            f'An answer to the survey "{survey_title}" may show a safeguarding concern:\n{labels}\n\n'
            f"Read it in the moderation queue (sign-in needed):\n{link(concern.answer_id)}\n\n"
            "This email does not contain the answer. Follow the Alliance safeguarding procedure: "
            "if anyone may be in immediate danger, call 999.\n"
        )
        for address in contacts:
            enqueue(
                session,
                to=address,
                subject=f"Safeguarding: answer {concern.answer_id} needs reading today",
                body=body,
                kind="safeguarding-alert",
            )
            queued += 1
    return queued


def sync_queue(session: Session, survey_id: int) -> int:
    """Add a pending review for each free-text answer that has none: answers stored before reviews were
    made at submission (a migration runs it once). Responses get theirs when submitted, so no page
    calls this. The caller commits; returns how many were added."""
    rows = session.execute(
        _free_text_answers(survey_id)
        .outerjoin(AnswerReview, AnswerReview.answer_id == Answer.id)
        .where(AnswerReview.answer_id.is_(None))
    ).all()
    for answer_id, value, lang, _key in rows:
        session.add(_new_review(answer_id, survey_id, value, lang)[0])
    session.flush()
    return len(rows)


@dataclass
class QueueItem:
    answer_id: int
    survey_id: int
    question_key: str
    question_text: str
    lang: str
    text: str  # as typed
    status: str
    urgent: bool
    flags: list[str]
    submitted_at: datetime
    published: str | None
    decided_at: datetime | None
    theme_ids: list[int] = field(default_factory=list)

    @property
    def concerns(self) -> list[str]:
        return [flag.split(":", 1)[1] for flag in self.flags if flag.startswith("safeguarding:")]

    @property
    def personal_data(self) -> list[str]:
        return [flag.split(":", 1)[1] for flag in self.flags if flag.startswith("pii:")]


def _items(
    session: Session, survey_id: int, where, limit: int | None = None, offset: int = 0
) -> list[QueueItem]:
    query = (
        _free_text_answers(survey_id)
        .add_columns(AnswerReview, Response.submitted_at)
        .join(AnswerReview, AnswerReview.answer_id == Answer.id)
        .where(*where)
        .order_by(AnswerReview.urgent.desc(), Response.submitted_at, Answer.id)
        .limit(limit)
        .offset(offset)
    )
    rows = session.execute(query).all()
    texts = dict(
        session.execute(
            select(SurveyText.key, SurveyText.text).where(
                SurveyText.survey_id == survey_id, SurveyText.lang == "en", SurveyText.key.like("q.%.text")
            )
        ).all()
    )
    ids = [row[0] for row in rows]
    themes: dict[int, list[int]] = {}
    if ids:
        for answer_id, theme_id in session.execute(
            select(AnswerTheme.answer_id, AnswerTheme.theme_id).where(AnswerTheme.answer_id.in_(ids))
        ):
            themes.setdefault(answer_id, []).append(theme_id)
    return [
        QueueItem(
            answer_id=answer_id,
            survey_id=survey_id,
            question_key=key,
            question_text=texts.get(f"q.{key}.text", key),
            lang=lang,
            text=value,
            status=review.status,
            urgent=review.urgent,
            flags=json.loads(review.flags or "[]"),
            submitted_at=submitted_at,
            published=review.text,
            decided_at=review.decided_at,
            theme_ids=sorted(themes.get(answer_id, [])),
        )
        for answer_id, value, lang, key, review, submitted_at in rows
    ]


def queue(session: Session, survey_id: int, status: str = "pending") -> list[QueueItem]:
    """The survey's answers with that review status: urgent first, then oldest first."""
    if status not in STATUSES:
        raise ModerationError(f"unknown status {status}")
    return _items(session, survey_id, [AnswerReview.status == status])


PER_PAGE = 50


@dataclass
class QueuePage:
    items: list[QueueItem]  # this page's answers, urgent first
    total: int  # answers with this status
    urgent: int  # of which urgent
    page: int
    pages: int


def queue_page(
    session: Session, survey_id: int, status: str = "pending", page: int = 1, per_page: int = PER_PAGE
) -> QueuePage:
    """One page of the survey's answers with that review status, urgent first, then oldest first.
    A page past the last gives the last."""
    if status not in STATUSES:
        raise ModerationError(f"unknown status {status}")
    counts = dict(
        session.execute(
            select(AnswerReview.urgent, func.count())
            .where(AnswerReview.survey_id == survey_id, AnswerReview.status == status)
            .group_by(AnswerReview.urgent)
        ).all()
    )
    total = sum(counts.values())
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    where = [AnswerReview.survey_id == survey_id, AnswerReview.status == status]
    items = _items(session, survey_id, where, per_page, (page - 1) * per_page)
    return QueuePage(items, total, counts.get(True, 0), page, pages)


def get_item(session: Session, survey_id: int, answer_id: int) -> QueueItem | None:
    found = _items(session, survey_id, [Answer.id == answer_id])
    return found[0] if found else None


@dataclass
class SurveyCounts:
    survey_id: int
    slug: str
    version: int
    title: str
    status: str
    pending: int
    urgent: int
    decided: int


def overview(session: Session) -> list[SurveyCounts]:
    """Every survey with its pending and urgent (pending) answer counts, newest first. Reads only."""
    surveys = session.execute(
        select(Survey.id, Survey.slug, Survey.version, Survey.status).order_by(
            Survey.created_at.desc(), Survey.id.desc()
        )
    ).all()
    result = []
    for survey_id, slug, version, status in surveys:
        counts = dict(
            session.execute(
                select(AnswerReview.status, func.count())
                .where(AnswerReview.survey_id == survey_id)
                .group_by(AnswerReview.status)
            ).all()
        )
        urgent = session.scalar(
            select(func.count()).where(
                AnswerReview.survey_id == survey_id, AnswerReview.urgent, AnswerReview.status == "pending"
            )
        )
        title = session.scalar(
            select(SurveyText.text).where(
                SurveyText.survey_id == survey_id, SurveyText.lang == "en", SurveyText.key == "title"
            )
        )
        result.append(
            SurveyCounts(
                survey_id,
                slug,
                version,
                title or slug,
                status,
                counts.get("pending", 0),
                urgent or 0,
                counts.get("approved", 0) + counts.get("rejected", 0),
            )
        )
    return result


def survey_title(session: Session, survey_id: int) -> str | None:
    """The survey's English title (its slug when it has none); None when there is no such survey."""
    slug = session.scalar(select(Survey.slug).where(Survey.id == survey_id))
    if slug is None:
        return None
    title = session.scalar(
        select(SurveyText.text).where(
            SurveyText.survey_id == survey_id, SurveyText.lang == "en", SurveyText.key == "title"
        )
    )
    return title or slug


# Decisions -----------------------------------------------------------------------------------------------


@dataclass
class Decided:
    answer_id: int
    decision: str  # approve, redact or reject
    status: str
    redactions: int  # how many "[redacted]" markers the published text carries


def decide(
    session: Session,
    survey_id: int,
    answer_id: int,
    decision: str,
    staff_id: int | None,
    chosen: list[int] | None = None,
    edited: str | None = None,
    now: datetime | None = None,
) -> Decided:
    """Approve, redact or reject one answer. `chosen` are indices into find_personal_data's spans to
    replace with "[redacted]"; `edited` is the moderator's edit, which may only replace text with
    "[redacted]". Approving with spans chosen or an edit publishes the redacted text. A change of
    mind is allowed: the latest decision stands. The caller audits and commits."""
    if decision not in DECISIONS:
        raise ModerationError("Choose approve, redact or reject")
    item = get_item(session, survey_id, answer_id)
    if item is None:
        raise ModerationError("No such answer in this survey")
    review = session.get(AnswerReview, answer_id)
    spans = find_personal_data(item.text, item.lang)
    picked = [spans[index] for index in sorted(set(chosen or [])) if 0 <= index < len(spans)]
    if decision == "reject":
        review.status, review.text = "rejected", None
    else:
        text = redact(item.text, picked, edited)
        if decision == "redact" and REDACTED not in text:
            raise ModerationError(
                'Choose what to redact, or replace it with "[redacted]" in the text', "redact"
            )
        review.status, review.text = "approved", text
    review.decided_by = staff_id
    review.decided_at = now or datetime.now(UTC)
    session.flush()
    markers = len(_MARKER.findall(review.text or ""))
    return Decided(answer_id, decision, review.status, markers)


# Themes ----------------------------------------------------------------------------------------------------

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class ThemeView:
    id: int
    code: str
    label: str


def themes(session: Session, survey_id: int) -> list[ThemeView]:
    rows = session.scalars(select(Theme).where(Theme.survey_id == survey_id).order_by(Theme.code))
    return [ThemeView(theme.id, theme.code, theme.label) for theme in rows]


def _check_theme(
    session: Session, survey_id: int, code: str, label: str, theme_id: int | None
) -> tuple[str, str]:
    code, label = code.strip().lower(), label.strip()
    if not CODE.match(code):
        raise ModerationError("Enter a code of up to 40 lower-case letters, numbers, hyphens or underscores")
    if not label or len(label) > 200:
        raise ModerationError("Enter a description of up to 200 characters")
    clash = session.scalar(
        select(Theme.id).where(Theme.survey_id == survey_id, Theme.code == code, Theme.id != (theme_id or 0))
    )
    if clash:
        raise ModerationError(f"This survey already has the code {code}")
    return code, label


def add_theme(session: Session, survey_id: int, code: str, label: str) -> ThemeView:
    code, label = _check_theme(session, survey_id, code, label, None)
    theme = Theme(survey_id=survey_id, code=code, label=label)
    session.add(theme)
    session.flush()
    return ThemeView(theme.id, theme.code, theme.label)


def _theme(session: Session, survey_id: int, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.survey_id != survey_id:
        raise ModerationError("No such theme in this survey")
    return theme


def rename_theme(session: Session, survey_id: int, theme_id: int, code: str, label: str) -> ThemeView:
    theme = _theme(session, survey_id, theme_id)
    theme.code, theme.label = _check_theme(session, survey_id, code, label, theme_id)
    session.flush()
    return ThemeView(theme.id, theme.code, theme.label)


def remove_theme(session: Session, survey_id: int, theme_id: int) -> ThemeView:
    """Remove a code and every tag that used it."""
    theme = _theme(session, survey_id, theme_id)
    removed = ThemeView(theme.id, theme.code, theme.label)
    session.execute(delete(AnswerTheme).where(AnswerTheme.theme_id == theme_id))
    session.delete(theme)
    session.flush()
    return removed


def set_answer_themes(
    session: Session, survey_id: int, answer_id: int, theme_ids: list[int]
) -> tuple[list, list]:
    """Tag the answer with exactly these of the survey's themes. Returns (added, removed) theme codes."""
    codes = {theme.id: theme.code for theme in themes(session, survey_id)}
    wanted = {theme_id for theme_id in theme_ids if theme_id in codes}
    current = set(session.scalars(select(AnswerTheme.theme_id).where(AnswerTheme.answer_id == answer_id)))
    current &= set(codes)
    for theme_id in wanted - current:
        session.add(AnswerTheme(answer_id=answer_id, theme_id=theme_id))
    if current - wanted:
        session.execute(
            delete(AnswerTheme).where(
                AnswerTheme.answer_id == answer_id, AnswerTheme.theme_id.in_(current - wanted)
            )
        )
    session.flush()
    return sorted(codes[i] for i in wanted - current), sorted(codes[i] for i in current - wanted)


def theme_counts(session: Session, survey_id: int) -> list[tuple[ThemeView, int]]:
    """Each theme of the survey with how many answers carry it (whatever their review status), by code."""
    rows = session.execute(
        select(Theme, func.count(AnswerTheme.answer_id))
        .outerjoin(AnswerTheme, AnswerTheme.theme_id == Theme.id)
        .where(Theme.survey_id == survey_id)
        .group_by(Theme.id)
        .order_by(Theme.code)
    ).all()
    return [(ThemeView(theme.id, theme.code, theme.label), count) for theme, count in rows]


def approved_quotes(
    session: Session, survey_id: int, theme_id: int | None = None
) -> list[tuple[int, str, str, str]]:
    """(answer id, published text, question key, language) for every approved answer, optionally only
    those tagged with one theme, in answer order. The text is the redacted one where redacted."""
    query = (
        select(Answer.id, AnswerReview.text, Question.key, Response.lang)
        .join(AnswerReview, AnswerReview.answer_id == Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(AnswerReview.survey_id == survey_id, AnswerReview.status == "approved")
        .order_by(Answer.id)
    )
    if theme_id is not None:
        query = query.join(AnswerTheme, AnswerTheme.answer_id == Answer.id).where(
            AnswerTheme.theme_id == theme_id
        )
    return [(row[0], row[1] or "", row[2], row[3]) for row in session.execute(query)]
