import datetime as dt
import random
from decimal import Decimal

import pytest

from outcomes.models import Award
from outcomes.reporting import selectors
from outcomes.reporting.apportion import apportion, apportion_pence, to_pence
from tests.factories import OrganisationFactory

from .factories import AwardFactory, paid


def test_apportion_parts_sum_exactly_to_the_amount():
    rng = random.Random(4)
    for _ in range(2000):
        cuts = sorted(rng.randint(0, 10000) for _ in range(3))
        bps = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 10000 - cuts[2]]
        pence = rng.randint(0, 10**9)
        parts = apportion_pence(pence, bps)
        assert sum(parts) == pence
        # Each part is within a penny of its exact share.
        for part, bp in zip(parts, bps):
            assert abs(part * 10000 - pence * bp) < 10000


def test_largest_remainder_gives_the_odd_penny_to_the_largest_remainder():
    # £0.10 split 3333/3333/3334/0: exact shares 3.333, 3.333, 3.334, 0 pence; the leftover penny goes to
    # the largest remainder (the third theme).
    assert apportion_pence(10, [3333, 3333, 3334, 0]) == [3, 3, 4, 0]
    # £1.00 split 3333/3333/3333/1: 33.33p, 33.33p, 33.33p, 0.01p; equal remainders, so the earlier theme wins.
    assert apportion(Decimal("1.00"), [3333, 3333, 3333, 1]) == {
        "prevention": Decimal("0.34"),
        "support": Decimal("0.33"),
        "perpetrators": Decimal("0.33"),
        "trust": Decimal("0.00"),
    }


def test_allocation_must_total_100_percent():
    with pytest.raises(ValueError):
        apportion_pence(100, [5000, 5000, 1, 0])


@pytest.mark.django_db
def test_dashboard_totals_reconcile_to_the_penny_with_awkward_amounts():
    org = OrganisationFactory()
    rng = random.Random(7)
    expected_committed = expected_paid = 0
    for i in range(30):
        cuts = sorted(rng.randint(0, 10000) for _ in range(3))
        bps = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 10000 - cuts[2]]
        amount = Decimal(rng.randint(100, 9_999_999)) / 100
        award = AwardFactory(
            organisation=org,
            amount=amount,
            prevention_bp=bps[0],
            support_bp=bps[1],
            perpetrators_bp=bps[2],
            trust_bp=bps[3],
            start_date=dt.date(2026, 4, 1) + dt.timedelta(days=i),
        )
        expected_committed += to_pence(amount)
        first = (amount / 3).quantize(Decimal("0.01"))
        paid(award, first, dt.date(2026, 6, 30))
        paid(award, first, dt.date(2026, 10, 1))
        expected_paid += 2 * to_pence(first)
    filters = selectors.Filters(financial_year=2026)
    rows, committed, paid_total = selectors.theme_spend(filters)
    assert to_pence(committed) == expected_committed
    assert to_pence(paid_total) == expected_paid
    assert sum(r.committed for r in rows) == committed
    assert sum(r.paid for r in rows) == paid_total
    # Against the database's own view of the amounts: each award's parts sum to it.
    assert committed == sum(Award.objects.values_list("amount", flat=True), Decimal("0.00")).quantize(Decimal("0.01"))
    quarters = selectors.paid_by_quarter(filters)
    assert sum(sum(parts.values()) for _, parts in quarters) == paid_total
    for slug in ("prevention", "support", "perpetrators", "trust"):
        assert sum(parts[slug] for _, parts in quarters) == next(r.paid for r in rows if r.theme.slug == slug)
    # Drill-down per theme sums back to the same paid total.
    drill_paid = sum(
        sum(r.paid for r in selectors.theme_projects(filters, slug))
        for slug in ("prevention", "support", "perpetrators", "trust")
    )
    assert drill_paid == paid_total
