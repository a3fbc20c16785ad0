"""The panel's emails, in the member's language (staff's own invitation text as they wrote it), each
with the member's link to withdraw."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from alliance import hosts
from alliance.outbox import enqueue
from alliance.panel.models import PanelMember


def _withdraw_link(member: PanelMember) -> str:
    from alliance.panel.services import withdraw_token

    return hosts.external_url("panel.withdraw", lang=member.lang, token=withdraw_token(member))


def send_welcome(session: Session, member: PanelMember) -> None:
    with force_locale(member.lang):
        body = [
            _("Hello %(name)s,", name=member.name or ""),
            "",
            _("Thank you for joining the Cancer Alliance's people's panel."),
            _("We will email you when there is a way to take part that matches what you told us."),
            "",
            _(
                "You can leave the panel at any time, and we will delete your details: %(link)s",
                link=_withdraw_link(member),
            ),
            "",
            _("Cancer Alliance engagement team"),
        ]
        enqueue(
            session,
            to=member.email or "",
            subject=_("Welcome to the people's panel"),
            body="\n".join(body),
            kind="panel",
            sensitive=True,
        )


def send_invitation(session: Session, member: PanelMember, subject: str, message: str, link: str) -> None:
    with force_locale(member.lang):
        body = [_("Hello %(name)s,", name=member.name or ""), "", message.strip(), ""]
        if link:
            body += [link, ""]
        body += [
            _(
                "You get this because you joined our people's panel. To leave it: %(link)s",
                link=_withdraw_link(member),
            ),
            "",
            _("Cancer Alliance engagement team"),
        ]
    enqueue(
        session, to=member.email or "", subject=subject, body="\n".join(body), kind="panel", sensitive=True
    )
