"""ORUK records and the paging envelope, built from unsaved model objects."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from alliance.directory import models as m
from alliance.directory import oruk
from alliance.directory.spec import validator


def a_service(**extra) -> m.Service:
    svc = m.Service(
        id="11111111-1111-4111-8111-111111111111",
        name="Support group",
        status="active",
        description="",
        email=None,
        minimum_age=18.0,
        last_modified=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        **extra,
    )
    svc.organization = m.Organization(
        id="22222222-2222-4222-8222-222222222222", name="Trust", description="A trust"
    )
    return svc


def test_a_record_leaves_out_empty_optional_fields():
    out = oruk.record(a_service())
    assert "email" not in out and "url" not in out and "fees" not in out
    assert out["name"] == "Support group"


def test_whole_number_floats_become_integers_and_times_are_utc_with_a_z():
    out = oruk.record(a_service())
    assert out["minimum_age"] == 18 and isinstance(out["minimum_age"], int)
    assert out["last_modified"] == "2026-05-01T09:30:00Z"


def test_a_naive_time_is_read_as_utc_and_an_offset_time_is_converted():
    assert oruk._value(datetime(2026, 5, 1, 9, 30)) == "2026-05-01T09:30:00Z"
    plus_two = timezone(timedelta(hours=2))
    assert oruk._value(datetime(2026, 5, 1, 11, 30, tzinfo=plus_two)) == "2026-05-01T09:30:00Z"


def test_local_additions_never_reach_a_service_record():
    svc = a_service()
    svc.local = m.ServiceLocal(service_id=svc.id, locality="barnsley", verified_by="Staff", example_data=True)
    out = oruk.service(svc, full=True)
    text = repr(out)
    assert "barnsley" not in text and "Staff" not in text and "example_data" not in text


def test_a_full_service_nests_its_children_and_passes_the_schema():
    svc = a_service()
    phone_id, schedule_id = "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"
    svc.phones = [m.Phone(id=phone_id, number="01632 960001", contact_id=None)]
    svc.schedules = [m.Schedule(id=schedule_id, byday="MO", freq="WEEKLY")]
    out = oruk.service(svc, full=True)
    assert out["phones"] == [{"id": phone_id, "number": "01632 960001"}]
    assert out["schedules"][0]["byday"] == "MO"
    assert out["organization"]["name"] == "Trust"
    assert "contacts" not in out and "languages" not in out
    assert not list(validator("service").iter_errors(out))


def test_a_basic_service_carries_only_one_to_one_fields_and_its_organization():
    svc = a_service()
    svc.phones = [m.Phone(id="p1", number="01632 960001")]
    out = oruk.service(svc, full=False)
    assert "phones" not in out and out["organization"]["id"] == svc.organization.id


@pytest.mark.parametrize(
    "total, page, per_page, pages, first, last",
    [
        (0, 1, 10, 1, True, True),
        (10, 1, 10, 1, True, True),
        (11, 2, 10, 2, False, True),
        (25, 2, 10, 3, False, False),
    ],
)
def test_the_envelope_counts_pages_and_marks_the_ends(total, page, per_page, pages, first, last):
    contents = [{"id": str(i)} for i in range(min(per_page, max(0, total - (page - 1) * per_page)))]
    envelope = oruk.page_envelope(contents, total, page, per_page)
    assert envelope["total_items"] == total
    assert envelope["total_pages"] == pages
    assert envelope["first_page"] is first
    assert envelope["last_page"] is last
    assert envelope["size"] == len(contents)
    assert envelope["empty"] is (not contents)


def test_a_like_pattern_escapes_wildcards():
    assert oruk._like("50%_off\\") == "%50\\%\\_off\\\\%"
