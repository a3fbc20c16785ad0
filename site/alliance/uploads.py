"""How large a request body may be: `MAX_CONTENT_LENGTH` for every request, more for the views that take
an import file.

A view that takes a file names the setting holding its limit with `@accepts_upload("SETTING")`. The
request reads the limit of the view it was routed to, so the limit holds from the first read of the body
(the CSRF check reads the form before the view runs). A body over the limit is refused with 413 and the
site's error page before it is read; Werkzeug's `MAX_FORM_MEMORY_SIZE` and `MAX_FORM_PARTS` (Flask's
defaults: 500 kB a field, 1,000 parts) bound what one form may hold in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import flask
from flask import current_app

View = TypeVar("View", bound=Callable)
ATTRIBUTE = "upload_limit_setting"


def accepts_upload(setting: str) -> Callable[[View], View]:
    """Let this view's requests be as large as the setting says (put it under the route decorator)."""

    def mark(view: View) -> View:
        setattr(view, ATTRIBUTE, setting)
        return view

    return mark


class Request(flask.Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None and current_app:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            setting = getattr(view, ATTRIBUTE, None)
            if setting:
                return current_app.config[setting]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def init_app(app: flask.Flask) -> None:
    app.request_class = Request
