"""The survey journey, one page at a time: which page comes next, what an answer's errors are, what
each page shows. The public survey (alliance.surveys.views) and the back-office preview
(alliance.backoffice.survey_views.survey_preview) both run this one implementation; they differ only
in where the answers in progress are kept and which URLs the pages link to.

A step returns a plain value: `Show` (a template and its context) or `Go` (a redirect). The views
turn those into responses; they keep what is theirs (CSRF, closing dates, sending the answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flask_babel import lazy_gettext as _l

from alliance.surveys import answering, equality, presenters, reading

TIMED_OUT = _l("This form timed out. Check your answers and send them again.")


class Answers(Protocol):
    """Where answers in progress are kept: a state dict with answers ("a") and equality answers ("e")."""

    def load(self) -> dict: ...

    def save(self, state: dict) -> None: ...


class Urls(Protocol):
    """Where the journey's pages are."""

    def start(self) -> str: ...

    def question(self, number: int, change: bool = False) -> str: ...

    def about_you(self) -> str: ...

    def check(self) -> str: ...


@dataclass(frozen=True)
class Show:
    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Go:
    url: str
    code: int = 302


class NoSuchPage(LookupError):
    """A page number the survey does not have."""


def page_number(text: str) -> int:
    """A page number from a URL segment; 0 (no page) for anything that is not a short whole number."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 4 else 0


class Journey:
    def __init__(self, view: reading.SurveyView, answers: Answers, urls: Urls):
        self.view, self.answers, self.urls = view, answers, urls
        self.state = answers.load()

    def start(self) -> Show:
        first = answering.visible_pages(self.view, {})[0]
        return Show(
            "surveys/start.html",
            {"closes_on": presenters.closes_on(self.view), "first_url": self.urls.question(first)},
        )

    def question(self, number: int, form: dict | None, token_ok: bool = True, changing: bool = False):
        """A page of questions; `form` is what was posted (None for a GET)."""
        view, answers = self.view, self.state["a"]
        if not 1 <= number <= len(view.pages):
            raise NoSuchPage(number)
        if number not in answering.visible_pages(view, answers):
            # Not asked, given the earlier answers: go on to the next page that is.
            following = answering.next_page(view, answers, number)
            return Go(self.urls.question(following) if following else self.urls.about_you())
        errors: dict[str, str] = {}
        values = presenters.page_values(view, number, answers)
        if form is not None:
            values = form
            if not token_ok:
                errors["_form"] = str(TIMED_OUT)
            else:
                found, errors = answering.validate_page(view, number, values, answers)
                if not errors:
                    self.state["a"] = answering.merge_page(view, answers, number, found)
                    self.answers.save(self.state)
                    return Go(self._after_page(number, changing), 303)
        previous = answering.previous_page(view, self.state["a"], number)
        if changing:
            back_url = self.urls.check()
        elif previous:
            back_url = self.urls.question(previous)
        else:
            back_url = self.urls.start()
        return Show(
            "surveys/question.html",
            {
                "number": number,
                "total": len(view.pages),
                "questions": presenters.page_questions(view, number, self.state["a"], values, errors),
                "form": {"errors": errors},  # the layout puts "Error:" in the title
                "errors": presenters.error_list(errors, presenters.anchors(view, number)),
                "back_url": back_url,
                "action": self.urls.question(number, change=changing),
            },
        )

    def _after_page(self, number: int, changing: bool) -> str:
        missing = answering.first_unanswered_page(self.view, self.state["a"])
        if changing:
            return self.urls.check() if missing is None else self.urls.question(missing, change=True)
        following = answering.next_page(self.view, self.state["a"], number)
        return self.urls.question(following) if following else self.urls.about_you()

    def missing(self) -> Go | None:
        """Back to the first page still needing an answer, if there is one."""
        missing = answering.first_unanswered_page(self.view, self.state["a"])
        return Go(self.urls.question(missing)) if missing is not None else None

    def about_you(self, form: dict | None, token_ok: bool = True):
        if (go := self.missing()) is not None:
            return go
        errors: dict[str, str] = {}
        chosen = dict(self.state["e"])
        if form is not None:
            chosen = equality.clean(form)
            if token_ok:
                self.state["e"] = chosen
                self.answers.save(self.state)
                return Go(self.urls.check(), 303)
            errors["_form"] = str(TIMED_OUT)
        last = answering.visible_pages(self.view, self.state["a"])[-1]
        return Show(
            "surveys/about_you.html",
            {
                "questions": presenters.equality_questions(chosen),
                "form": {"errors": errors},
                "errors": presenters.error_list(errors),
                "back_url": self.urls.question(last),
                "action": self.urls.about_you(),
                "skip_url": self.urls.check(),
            },
        )

    def check(self, token: str, errors: dict[str, str] | None = None):
        """The check-your-answers page, its "Change" links pointing back into this journey."""
        if (go := self.missing()) is not None:
            return go
        errors = errors or {}
        return Show(
            "surveys/check.html",
            {
                "rows": presenters.summary_rows(
                    self.view, self.state["a"], lambda number: self.urls.question(number, change=True)
                ),
                "equality_rows": presenters.equality_rows(
                    self.view.slug, self.state["e"], self.urls.about_you()
                ),
                "token": token,
                "form": {"errors": errors},
                "errors": presenters.error_list(errors),
                "back_url": self.urls.about_you(),
                "action": self.urls.check(),
            },
        )
