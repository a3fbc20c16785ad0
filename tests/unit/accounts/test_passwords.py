import pytest
from argon2 import PasswordHasher

from alliance.accounts import services
from alliance.accounts.services import MIN_PASSWORD_LENGTH, common_passwords, password_problem

COMMON = "Choose a less common password"


def test_the_shipped_list_holds_at_least_3000_common_passwords_of_12_characters_or_more():
    long_enough = [entry for entry in common_passwords() if len(entry) >= MIN_PASSWORD_LENGTH]
    assert len(long_enough) >= 3000


@pytest.mark.parametrize(
    "password",
    [
        "Password2026",
        "Liverpool123",
        "LIVERPOOL1234!",
        "2026liverpool",
        "P@ssw0rd20262026",
        "qwertyuiop123",
        "123qweasdzxc",
        "Football1234",
        "Sunshine2025!",
    ],
)
def test_a_common_password_or_a_common_word_dressed_in_digits_and_symbols_is_refused(password):
    assert COMMON in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    [
        "a long staff passphrase",
        "violetlanternpebbleorchard",
        "tea-kettle-marigold-2026",
        "Ferns grow by 9 rivers",
    ],
)
def test_a_long_uncommon_password_is_allowed(password):
    assert password_problem(password) is None


def test_the_dummy_hash_is_made_once_per_process_for_a_set_of_parameters():
    # Each request builds its hasher afresh: the dummy hash must not be recomputed for each.
    first = services._dummy_hash(PasswordHasher(time_cost=1, memory_cost=1024))
    second = services._dummy_hash(PasswordHasher(time_cost=1, memory_cost=1024))
    other = services._dummy_hash(PasswordHasher(time_cost=2, memory_cost=1024))
    assert first == second
    assert other != first and ",t=2," in other
