import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commissioning.models import Call, CallStatus
from tests.factories import CallFactory

LONDON = ZoneInfo("Europe/London")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"min_grant": Decimal("60000"), "max_grant": Decimal("50000")}, "min_grant", "minimum grant cannot be more"),
        (
            {"total_budget": Decimal("40000"), "max_grant": Decimal("50000")},
            "total_budget",
            "total budget cannot be less",
        ),
        ({"reference": "bad ref"}, "reference", "Use a reference like BCSP-2026-01"),
    ],
)
def test_call_money_and_reference_rules(fields, field, message):
    call = CallFactory.build(**fields)
    with pytest.raises(ValidationError) as info:
        call.full_clean(exclude=["themes"])
    assert any(message in error for error in info.value.message_dict[field])


@pytest.mark.django_db
def test_closing_before_opening_is_refused_by_form_and_database():
    now = dt.datetime(2026, 5, 1, 12, tzinfo=LONDON)
    call = CallFactory.build(opens_at=now, closes_at=now - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as info:
        call.full_clean(exclude=["themes"])
    assert "closing date must be after the opening date" in info.value.message_dict["closes_at"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        call.save()


@pytest.mark.django_db
def test_status_follows_the_dates_and_closing_early():
    call = CallFactory(
        opens_at=dt.datetime(2026, 4, 1, 9, tzinfo=LONDON), closes_at=dt.datetime(2026, 5, 1, 12, tzinfo=LONDON)
    )
    assert call.status_at(dt.datetime(2026, 3, 31, 9, tzinfo=LONDON)) == CallStatus.UPCOMING
    assert call.status_at(dt.datetime(2026, 4, 1, 9, tzinfo=LONDON)) == CallStatus.OPEN
    assert call.status_at(dt.datetime(2026, 5, 1, 11, 59, 59, tzinfo=LONDON)) == CallStatus.OPEN
    assert call.status_at(dt.datetime(2026, 5, 1, 12, tzinfo=LONDON)) == CallStatus.CLOSED
    call.closed_early_at = dt.datetime(2026, 4, 10, tzinfo=LONDON)
    assert call.status_at(dt.datetime(2026, 4, 15, tzinfo=LONDON)) == CallStatus.CLOSED


@pytest.mark.django_db
def test_status_across_the_clock_change_uses_london_wall_clock_time():
    # Clocks go back at 02:00 BST on 25 October 2026. A call closing at noon London time on 26 October
    # closes at 12:00 GMT (= 12:00 UTC); one closing at noon on 24 October closes at 11:00 UTC.
    after_change = CallFactory(
        opens_at=dt.datetime(2026, 10, 1, 9, tzinfo=LONDON), closes_at=dt.datetime(2026, 10, 26, 12, tzinfo=LONDON)
    )
    before_change = CallFactory(
        opens_at=dt.datetime(2026, 10, 1, 9, tzinfo=LONDON), closes_at=dt.datetime(2026, 10, 24, 12, tzinfo=LONDON)
    )
    utc = dt.UTC
    assert after_change.status_at(dt.datetime(2026, 10, 26, 11, 30, tzinfo=utc)) == CallStatus.OPEN
    assert after_change.status_at(dt.datetime(2026, 10, 26, 12, 0, tzinfo=utc)) == CallStatus.CLOSED
    assert before_change.status_at(dt.datetime(2026, 10, 24, 10, 59, tzinfo=utc)) == CallStatus.OPEN
    assert before_change.status_at(dt.datetime(2026, 10, 24, 11, 0, tzinfo=utc)) == CallStatus.CLOSED
    # And the database filters agree with the Python status.
    at = dt.datetime(2026, 10, 26, 11, 30, tzinfo=utc)
    assert set(Call.objects.open(at)) == {after_change}
    assert set(Call.objects.closed(at)) == {before_change}


@pytest.mark.django_db
def test_querysets_split_calls_by_status():
    from django.utils import timezone

    now = timezone.now()
    open_call = CallFactory()
    upcoming = CallFactory(opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=30))
    closed = CallFactory(opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(days=1))
    early = CallFactory(closed_early_at=now - dt.timedelta(hours=1))
    assert set(Call.objects.open()) == {open_call}
    assert set(Call.objects.upcoming()) == {upcoming}
    assert set(Call.objects.closed()) == {closed, early}
