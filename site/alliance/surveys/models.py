"""Engagement surveys: the survey and its questions, their text per language, and the responses.

Respondents are anonymous. A response holds no IP address and no user agent. Equality-monitoring
answers live in their own table, keyed by a random id shared with nothing but the response's
`monitoring_id`, and dated only to the day, so they cannot be matched to a response by time or
insertion order.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.database import Base, utcnow

QUESTION_KINDS = (
    "single",
    "multiple",
    "rating",
    "short_text",
    "long_text",
    "number",
    "date",
    "yes_no",
    "outcode",
    "ranking",
)


class Survey(Base):
    """One version of a survey. Versions share a slug; once a version has responses its questions are
    locked, and a change makes a new version (a copy with `version` + 1), so reports keep them apart."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("slug", "version", name="uq_surveys_slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100))
    # "draft", "open" or "closed"; an open survey also honours opens_at and closes_at.
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # When staff closed it by hand; retention counts from this or closes_at, whichever is earlier.
    closed_at: Mapped[datetime | None]
    # Months after closing that responses are kept; None means the site default (SURVEY_RETENTION_MONTHS).
    retain_months: Mapped[int | None]
    # The survey (or earlier version) this one was copied from.
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    example_data: Mapped[bool] = mapped_column(Boolean, default=False)
    source_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pages: Mapped[list[SurveyPage]] = relationship(
        back_populates="survey", order_by="SurveyPage.position", cascade="all, delete-orphan"
    )
    languages: Mapped[list[SurveyLanguage]] = relationship(
        back_populates="survey", cascade="all, delete-orphan"
    )
    texts: Mapped[list[SurveyText]] = relationship(cascade="all, delete-orphan")


class SurveyLanguage(Base):
    """A language the survey has text in; `offered` only once its translation is complete."""

    __tablename__ = "survey_languages"
    __table_args__ = (UniqueConstraint("survey_id", "lang", name="uq_survey_languages_survey_lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(10))
    offered: Mapped[bool] = mapped_column(Boolean, default=False)
    # False until a qualified translator has checked the text.
    translator_reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The translation review: who approved it, when, and the English texts' hash they checked it against.
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    reviewed_english: Mapped[str | None] = mapped_column(String(12))
    # A reviewer's comment when they sent the translation back.
    review_note: Mapped[str | None] = mapped_column(Text)

    survey: Mapped[Survey] = relationship(back_populates="languages")


class SurveyText(Base):
    """One piece of text in one language: `key` names what it belongs to, e.g. "title",
    "q.<question>.text", "q.<question>.help", "o.<question>.<option>"."""

    __tablename__ = "survey_texts"
    __table_args__ = (UniqueConstraint("survey_id", "lang", "key", name="uq_survey_texts_survey_lang_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")


class SurveyPage(Base):
    __tablename__ = "survey_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)

    survey: Mapped[Survey] = relationship(back_populates="pages")
    questions: Mapped[list[Question]] = relationship(
        back_populates="page", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Base):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_survey_questions_survey_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("survey_pages.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    max_length: Mapped[int | None]  # text questions
    min_value: Mapped[int | None]  # number and rating questions
    max_value: Mapped[int | None]
    # Shown only if the earlier question `show_if_key` was answered with one of `show_if_values` (JSON list).
    show_if_key: Mapped[str | None] = mapped_column(String(60))
    show_if_values: Mapped[str | None] = mapped_column(Text)

    page: Mapped[SurveyPage] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )


class Option(Base):
    __tablename__ = "survey_options"
    __table_args__ = (UniqueConstraint("question_id", "key", name="uq_survey_options_question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    is_other: Mapped[bool] = mapped_column(Boolean, default=False)  # "other, please say"

    question: Mapped[Question] = relationship(back_populates="options")


class Response(Base):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    survey_version: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # One per answering session: a second insert with the same token fails, so a double click,
    # a resent form or a retry stores one response.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    lang: Mapped[str] = mapped_column(String(10))
    locality: Mapped[str | None] = mapped_column(String(60))
    monitoring_id: Mapped[str | None] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")


class Answer(Base):
    """One answer value: a choice question has one row per chosen option, a ranking one per option."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    option_key: Mapped[str | None] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text, default="")  # free text as typed, a number, a rank


class EqualityAnswers:
    """The equality-monitoring questions' answers (surveys/equality.py), one column each: shared by the
    tables that keep them apart from who gave them (survey responses, people's panel members)."""

    age_band: Mapped[str | None] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(String(40))
    gender_identity: Mapped[str | None] = mapped_column(String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(String(40))
    ethnic_group: Mapped[str | None] = mapped_column(String(40))
    religion: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(40))
    carer: Mapped[str | None] = mapped_column(String(40))
    pregnancy: Mapped[str | None] = mapped_column(String(40))


class EqualityResponse(EqualityAnswers, Base):
    """Equality-monitoring answers (ONS 2021 categories), apart from the survey answers."""

    __tablename__ = "survey_equality_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random; equals Response.monitoring_id
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    submitted_on: Mapped[date]


# Moderation, themes and "You said, we did" -----------------------------------------------------------


class AnswerReview(Base):
    """A moderator's decision on one free-text answer. `text` is what may be published: the answer as
    typed, or with parts redacted. `flags` is a JSON list such as ["pii:phone", "safeguarding:self_harm"];
    `urgent` answers go to the top of the queue."""

    __tablename__ = "survey_answer_reviews"
    # The moderation queue and its counts read a survey's reviews by status, urgent first.
    __table_args__ = (Index("ix_survey_answer_reviews_queue", "survey_id", "status", "urgent"),)

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("survey_answers.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # "pending", "approved" or "rejected"
    status: Mapped[str] = mapped_column(String(20), default="pending")
    text: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[str] = mapped_column(Text, default="[]")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]


class Theme(Base):
    """A code from a survey's code list, used to tag free-text answers."""

    __tablename__ = "survey_themes"
    __table_args__ = (UniqueConstraint("survey_id", "code", name="uq_survey_themes_survey_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))


class AnswerTheme(Base):
    __tablename__ = "survey_answer_themes"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("survey_answers.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("survey_themes.id", ondelete="CASCADE"), primary_key=True
    )


class Feedback(Base):
    """ "You said, we did" for a closed survey, in one language: what was heard, what the Alliance will do."""

    __tablename__ = "survey_feedback"
    __table_args__ = (UniqueConstraint("survey_id", "lang", name="uq_survey_feedback_survey_lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(10))
    heard: Mapped[str] = mapped_column(Text, default="")
    doing: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedbackQuote(Base):
    """An approved answer quoted on the survey's "You said, we did" page, in the chosen order."""

    __tablename__ = "survey_feedback_quotes"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("survey_answers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Draft(Base):
    """Answers in progress, kept here rather than in the respondent's cookie (where anyone holding the
    browser could read them and where a long answer would overflow the cookie).

    Keyed by a hash of a random token that only the respondent's session holds; no IP address, no user
    agent. A row goes when its answers are sent, or once it has not been written for
    SURVEY_DRAFT_HOURS (alliance.surveys.drafts)."""

    __tablename__ = "survey_drafts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
