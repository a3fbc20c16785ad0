"""Back-office views: sign-in with MFA, password reset, account, staff accounts and the audit log."""

from __future__ import annotations

import io
import secrets

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from limits import parse as parse_limit
from markupsafe import Markup
from sqlalchemy import select

from alliance import i18n
from alliance.accounts import services
from alliance.accounts.models import StaffUser
from alliance.backoffice import auth, waiting
from alliance.backoffice.forms import (
    AuditFilterForm,
    CodeForm,
    EmptyForm,
    NewPasswordForm,
    NewUserForm,
    PasswordResetRequestForm,
    ReauthenticateForm,
    RolesForm,
    SignInForm,
)
from alliance.extensions import db, hit_limit, limiter
from alliance.hosts import external_url

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")


@bp.before_request
def _staff_speak_english_and_must_be_allowed():
    g.language = i18n.REGISTRY["en"]
    return auth.enforce()


@bp.after_request
def _never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# The back-office menu: (endpoint, label, permission); items appear when both exist and are allowed.
MENU = [
    ("backoffice.content_list", "Content", "content.edit"),
    ("backoffice.content_translations", "Translations", "content.edit"),
    ("backoffice.translation_review_index", "Translation review", "translations.review"),
    ("backoffice.directory_list", "Directory", "directory.manage"),
    ("backoffice.research", "Research", "research.manage"),
    ("backoffice.surveys", "Surveys", "surveys.manage"),
    ("backoffice.events", "Events", "events.manage"),
    ("backoffice.panel", "People's panel", "panel.manage"),
    ("backoffice.moderation", "Moderation", "moderation"),
    ("backoffice.users", "Staff accounts", "users.manage"),
    ("backoffice.mail_outbox", "Outgoing mail", "mail.manage"),
    ("backoffice.audit_log", "Audit log", "audit.read"),
]


@bp.context_processor
def _backoffice_context() -> dict:
    return {
        "staff": auth.current_staff(),
        "can": auth.can,
        "backoffice_menu": MENU,
        "languages": i18n.languages(),
    }


def _hasher():
    return services.password_hasher(
        current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"]
    )


def _address() -> str:
    return request.remote_addr or "unknown"


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _locked_out(email: str) -> bool:
    config = current_app.config
    return services.is_locked_out(
        db.session, email, _address(), config["LOGIN_FAILURE_LIMIT"], config["LOGIN_FAILURE_WINDOW"], _key()
    )


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/backoffice") and not target.startswith("//"):
        return target
    return url_for("backoffice.dashboard")


LOCKED_MESSAGE = "Too many failed attempts. Wait 5 minutes, then try again."


@bp.route("/sign-in", methods=["GET", "POST"])
@auth.public
def sign_in():
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data
        if _locked_out(email):
            form.form_errors.append(LOCKED_MESSAGE)
            status = 429
        else:
            user_id = services.check_password(db.session, email, form.password.data, _hasher())
            if user_id is None:
                services.record_failure(db.session, email, _address(), _key())
                typed = services.typed_email_for_log(db.session, email, _key())
                services.audit(db.session, "sign-in.failure", target=typed, email=typed)
                db.session.commit()
                form.password.errors.append("Email address or password is not right")
            else:
                user = db.session.get(StaffUser, user_id)
                auth.start_pending(user)
                session["next"] = _safe_next(request.args.get("next"))
                target = "backoffice.sign_in_code" if user.totp_confirmed else "backoffice.mfa_setup"
                return redirect(url_for(target))
    return render_template(
        "backoffice/sign_in.html", form=form, timed_out=request.args.get("timed_out") or g.get("timed_out")
    ), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@auth.public
def sign_in_code():
    user = auth.pending_user()
    if user is None or not user.totp_confirmed:
        return redirect(url_for("backoffice.sign_in"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if _locked_out(user.email):
            form.form_errors.append(LOCKED_MESSAGE)
            status = 429
        elif services.verify_mfa(db.session, user.id, form.code.data):
            target = session.get("next")
            auth.sign_in(user)
            services.audit(db.session, "sign-in.success", user)
            db.session.commit()
            return redirect(_safe_next(target))
        else:
            services.record_failure(db.session, user.email, _address(), _key())
            services.audit(db.session, "sign-in.mfa-failure", user)
            db.session.commit()
            form.code.errors.append("The security code is not right, or has been used already")
    return render_template("backoffice/sign_in_code.html", form=form), status


def _qr_svg(uri: str) -> Markup:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8").split("?>", 1)[-1]
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))


REAUTH_MESSAGE = "The password or the security code is not right, or the code has been used already"


def _confirmed_identity(form: ReauthenticateForm, user: StaffUser) -> tuple[bool, int]:
    """Check a posted password and current code of the signed-in person: (confirmed, status).

    Failures count towards the sign-in lockout and are audited, as at sign-in.
    """
    if not form.validate_on_submit():
        return False, 200
    if _locked_out(user.email):
        form.form_errors.append(LOCKED_MESSAGE)
        return False, 429
    if services.reauthenticate(db.session, user.id, form.password.data, form.code.data, _hasher()):
        services.audit(db.session, "reauthenticate", user)
        db.session.commit()
        return True, 200
    services.record_failure(db.session, user.email, _address(), _key())
    services.audit(db.session, "reauthenticate.failure", user)
    db.session.commit()
    form.password.errors.append(REAUTH_MESSAGE)
    return False, 200


def _reauthenticate_page(form: ReauthenticateForm, purpose: str, submit: str, status: int):
    return render_template(
        "backoffice/reauthenticate.html", form=form, purpose=purpose, submit=submit
    ), status


@bp.route("/mfa/setup", methods=["GET", "POST"])
@auth.public
def mfa_setup():
    signed_in = auth.current_staff()
    user = signed_in or auth.pending_user()
    if user is None:
        return redirect(url_for("backoffice.sign_in"))
    if user.totp_confirmed and signed_in is None:
        # Changing an authenticator needs a full sign-in first, with the current one.
        return redirect(url_for("backoffice.sign_in_code"))
    if user.totp_confirmed and not auth.recently_reauthenticated(user):
        # ... and the password and a current code again, just before.
        form = ReauthenticateForm()
        confirmed, status = _confirmed_identity(form, user)
        if confirmed:
            auth.mark_reauthenticated(user)
            return redirect(url_for("backoffice.mfa_setup"))
        return _reauthenticate_page(form, "move to a new authenticator app", "Continue", status)
    secret = session.get("mfa_candidate") or services.new_mfa_secret()
    session["mfa_candidate"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = services.confirm_mfa_enrolment(db.session, user.id, secret, form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            services.audit(db.session, "mfa.enrol", user)
            db.session.commit()
            target = session.get("next")
            session.pop("mfa_candidate", None)
            auth.clear_reauthenticated()
            auth.sign_in(user)
            return render_template("backoffice/recovery_codes.html", codes=codes, next_url=_safe_next(target))
    qr = _qr_svg(services.provisioning_uri(secret, user.email))
    return render_template("backoffice/mfa_setup.html", form=form, secret=secret, qr=qr)


@bp.route("/sign-out", methods=["GET", "POST"])
@auth.requires("staff")
def sign_out():
    form = EmptyForm()
    if form.validate_on_submit():
        user = auth.current_staff()
        # The cookie is signed, not stored: bumping the version is what stops a copy of it working.
        services.end_sessions(db.session, user.id)
        services.audit(db.session, "sign-out", user)
        db.session.commit()
        auth.sign_out()
        flash("You have signed out.")
        return redirect(url_for("backoffice.sign_in"))
    # Signing out changes state, so it takes a POST: the link in the header leads here.
    return render_template("backoffice/sign_out.html", form=form)


@bp.get("/")
@auth.requires("staff")
def dashboard():
    waiting_now = waiting.for_staff(
        db.session, auth.current_staff().id, auth.can, current_app.config["LANGUAGES"]
    )
    return render_template("backoffice/dashboard.html", waiting=waiting_now)


@bp.get("/account")
@auth.requires("staff")
def account():
    return render_template("backoffice/account.html", form=EmptyForm())


@bp.post("/account/sign-out-everywhere")
@auth.requires("staff")
def sign_out_everywhere():
    if EmptyForm().validate_on_submit():
        user = auth.current_staff()
        services.end_sessions(db.session, user.id)
        services.audit(db.session, "sign-out.everywhere", user)
        db.session.commit()
        auth.sign_out()
        flash("You have been signed out on every device.")
    return redirect(url_for("backoffice.sign_in"))


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@auth.requires("staff")
def renew_recovery_codes():
    user = auth.current_staff()
    form = ReauthenticateForm()
    confirmed, status = _confirmed_identity(form, user)
    if not confirmed:
        return _reauthenticate_page(form, "make new recovery codes", "Make new recovery codes", status)
    codes = services.new_recovery_codes(db.session, user.id)
    services.audit(db.session, "mfa.recovery-codes", user)
    db.session.commit()
    return render_template(
        "backoffice/recovery_codes.html", codes=codes, next_url=url_for("backoffice.account")
    )


@bp.route("/password-reset", methods=["GET", "POST"])
@auth.public
def password_reset_request():
    # Known, unknown and over-the-limit addresses get the same page, status and work: the request
    # writes one outbox row (and the audit entry); `flask mail send` looks the address up later.
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        allowed = _reset_allowed(email)
        if allowed:
            services.queue_password_reset(db.session, email, _reset_link_base())
        detail = {} if allowed else {"limited": True}
        services.audit(db.session, "password.reset-request", target=email, email=email, **detail)
        db.session.commit()
        return render_template("backoffice/password_reset_sent.html", email=email)
    return render_template("backoffice/password_reset_request.html", form=form)


def _reset_link(token: str) -> str:
    return external_url("backoffice.password_reset", token=token)


def _reset_link_base() -> str:
    """The reset link without its token (the sender adds the token when it makes one)."""
    return _reset_link("x")[:-1]


def _reset_allowed(email: str) -> bool:
    """Count a reset request against the per-address and per-client limits (both, always)."""
    if not limiter.enabled:
        return True
    config = current_app.config
    prefix = config["RATELIMIT_KEY_PREFIX"]
    # Both counted under keyed hashes: Redis never holds the address typed or the client's address.
    per_email = hit_limit(
        parse_limit(config["PASSWORD_RESET_LIMIT_PER_EMAIL"]),
        prefix,
        "password-reset/email",
        services.fingerprint(email, _key()),
    )
    per_client = hit_limit(
        parse_limit(config["PASSWORD_RESET_LIMIT_PER_CLIENT"]),
        prefix,
        "password-reset/client",
        services.fingerprint(_address(), _key()),
    )
    return per_email and per_client


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@auth.public
def password_reset(token: str):
    if services.reset_token_user(db.session, token) is None:
        return render_template("backoffice/password_reset_expired.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user_id = services.use_reset_token(db.session, token, form.password.data, _hasher())
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            services.audit(db.session, "password.reset", db.session.get(StaffUser, user_id))
            db.session.commit()
            auth.sign_out()
            flash("Your password has been changed. Sign in with it and your authenticator app.")
            return redirect(url_for("backoffice.sign_in"))
    return render_template("backoffice/password_reset.html", form=form)


@bp.get("/users")
@auth.requires("users.manage")
def users():
    people = db.session.scalars(select(StaffUser).order_by(StaffUser.display_name)).all()
    return render_template("backoffice/users.html", people=people, form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@auth.requires("users.manage")
def user_new():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user_id = services.create_user(
                db.session,
                form.email.data,
                form.display_name.data,
                secrets.token_urlsafe(32),
                form.roles.data,
                _hasher(),
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            email = form.email.data.strip().lower()
            services.send_password_link(
                db.session,
                email,
                current_app.config["PASSWORD_RESET_LIFETIME"],
                _reset_link,
                current_app.config["ALLIANCE_SHORT_NAME"],
                first_time=True,
            )
            services.audit(
                db.session, "user.create", auth.current_staff(), target=email, roles=form.roles.data
            )
            db.session.commit()
            flash(f"Account made for {email}. They have been emailed a link to set their password.")
            return redirect(url_for("backoffice.user_edit", user_id=user_id))
    return render_template("backoffice/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@auth.requires("users.manage")
def user_edit(user_id: int):
    person = db.session.get(StaffUser, user_id)
    if person is None:
        return render_template(
            "errors/error.html", code=404, title="Page not found", message="No such account."
        ), 404
    form = RolesForm(
        data={"roles": sorted(person.role_set), "review_languages": sorted(person.review_language_set)}
        if request.method == "GET"
        else None
    )
    known = current_app.config["LANGUAGES"]
    form.review_languages.choices = [
        (code, i18n.REGISTRY[code].english_name) for code in known if code != "en"
    ]
    if form.validate_on_submit():
        before = sorted(person.role_set)
        languages_before = sorted(person.review_language_set)
        services.set_roles(db.session, person.id, form.roles.data or [])
        services.set_review_languages(db.session, person.id, form.review_languages.data or [], known)
        services.audit(
            db.session,
            "user.roles",
            auth.current_staff(),
            target=person.email,
            before=before,
            after=sorted(form.roles.data or []),
            review_languages_before=languages_before,
            review_languages_after=sorted(person.review_language_set),
        )
        db.session.commit()
        flash(f"Roles for {person.email} saved.")
        return redirect(url_for("backoffice.user_edit", user_id=person.id))
    return render_template("backoffice/user_edit.html", person=person, form=form, action_form=EmptyForm())


@bp.post("/users/<int:user_id>/deactivate")
@auth.requires("users.manage")
def user_deactivate(user_id: int):
    person = db.session.get(StaffUser, user_id)
    if person is not None and EmptyForm().validate_on_submit() and person.id != auth.current_staff().id:
        person.is_active = False
        services.end_sessions(db.session, person.id)
        services.audit(db.session, "user.deactivate", auth.current_staff(), target=person.email)
        db.session.commit()
        flash(f"{person.email} can no longer sign in.")
    return redirect(url_for("backoffice.users"))


def _audit_filter() -> tuple[AuditFilterForm, list]:
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "Any action")] + [(a, a) for a in services.audit_actions(db.session)]
    form.validate()
    return form, services.audit_events(db.session, form.action.data or "", form.actor.data or "", limit=500)


@bp.get("/audit")
@auth.requires("audit.read")
def audit_log():
    form, rows = _audit_filter()
    return render_template("backoffice/audit.html", form=form, rows=rows)


@bp.get("/audit.csv")
@auth.requires("audit.read")
def audit_download():
    form, rows = _audit_filter()
    services.audit(db.session, "audit.export", auth.current_staff(), rows=len(rows))
    db.session.commit()
    return Response(
        services.audit_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
