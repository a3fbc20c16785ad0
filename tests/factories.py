"""Factories for test data (factory_boy), kept small: each makes one valid thing."""

from __future__ import annotations

import factory
import pyotp

from alliance.accounts.models import StaffUser
from alliance.accounts.services import password_hasher

PASSWORD = "a long staff passphrase"
_HASHER = password_hasher(time_cost=1, memory_cost=1024)


class StaffUserFactory(factory.Factory):
    class Meta:
        model = StaffUser

    email = factory.Sequence(lambda n: f"staff{n}@example.nhs.uk")
    display_name = factory.Sequence(lambda n: f"Staff Member {n}")
    password_hash = factory.LazyFunction(lambda: _HASHER.hash(PASSWORD))
    roles = "editor"
    is_active = True
    totp_secret = factory.LazyFunction(pyotp.random_base32)
    totp_confirmed = True
    totp_last_step = 0
    session_version = 1


def make_staff(session, **kwargs) -> StaffUser:
    user = StaffUserFactory(**kwargs)
    session.add(user)
    session.commit()
    return user
