"""Who is signed in, and whether they may use this route.

Every back-office view declares what it needs with @requires(permission) or @public. A view that
declares nothing is refused: a new route cannot slip through unprotected.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import abort, current_app, g, redirect, request, session, url_for

from alliance.accounts.models import StaffUser
from alliance.accounts.permissions import permissions_for
from alliance.extensions import db

PUBLIC = "public"
SESSION_KEY = "staff"
PENDING_KEY = "staff_pending"
REAUTH_KEY = "staff_reauthenticated"
# How long a fresh password-and-code check lets someone go on to change their authenticator.
REAUTH_SECONDS = 10 * 60


def requires(permission: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.permission = permission
        return view

    return decorate


def public(view: Callable) -> Callable:
    view.permission = PUBLIC
    return view


def sign_in(user: StaffUser) -> None:
    """Start a fresh session for a user who has passed both password and MFA."""
    session.clear()
    now = int(time.time())
    session[SESSION_KEY] = {"id": user.id, "v": user.session_version, "at": now, "seen": now}
    session.permanent = False


def sign_out() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(PENDING_KEY, None)


def mark_reauthenticated(user: StaffUser) -> None:
    session[REAUTH_KEY] = {"id": user.id, "at": int(time.time())}


def recently_reauthenticated(user: StaffUser) -> bool:
    mark = session.get(REAUTH_KEY)
    return bool(mark) and mark["id"] == user.id and time.time() - mark["at"] <= REAUTH_SECONDS


def clear_reauthenticated() -> None:
    session.pop(REAUTH_KEY, None)


def start_pending(user: StaffUser) -> None:
    """Password accepted; MFA still to come."""
    session.clear()
    session[PENDING_KEY] = {"id": user.id, "at": int(time.time())}


def pending_user() -> StaffUser | None:
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > 10 * 60:
        return None
    user = db.session.get(StaffUser, pending["id"])
    return user if user and user.is_active else None


def current_staff() -> StaffUser | None:
    """The signed-in member of staff, or None when signed out, timed out or signed out everywhere."""
    if "staff_user" in g:
        return g.staff_user
    g.staff_user = None
    state = session.get(SESSION_KEY)
    if not state:
        return None
    now = time.time()
    config = current_app.config
    if (
        now - state["seen"] > config["STAFF_IDLE_TIMEOUT"]
        or now - state["at"] > config["STAFF_ABSOLUTE_TIMEOUT"]
    ):
        sign_out()
        g.timed_out = True
        return None
    user = db.session.get(StaffUser, state["id"])
    if user is None or not user.is_active or user.session_version != state["v"]:
        sign_out()
        return None
    state["seen"] = int(now)
    session.modified = True
    g.staff_user = user
    return user


def can(permission: str) -> bool:
    user = current_staff()
    return user is not None and permission in permissions_for(user.role_set)


def enforce() -> object | None:
    """Blueprint before_request: check the route's declared permission against the session."""
    view = current_app.view_functions.get(request.endpoint)
    permission = getattr(view, "permission", None)
    if permission is None:
        abort(403)
    if permission == PUBLIC:
        return None
    user = current_staff()
    if user is None:
        return redirect(
            url_for("backoffice.sign_in", next=request.full_path if request.method == "GET" else None)
        )
    if not can(permission):
        abort(403)
    return None
