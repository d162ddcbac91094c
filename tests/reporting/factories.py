"""Award, payment and return factories for reporting tests: built directly from the models, so these tests
do not depend on the award and return services."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from commissioning.fiscal import FinancialQuarter, london_datetime
from outcomes.models import (
    Award,
    AwardStatus,
    IndicatorResult,
    IndicatorTarget,
    Payment,
    PaymentStatus,
    QuarterlyReturn,
    ReturnStatus,
)
from tests.factories import OrganisationFactory


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    reference = factory.Sequence(lambda n: f"RPT-2026-{n:04d}")
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "Support for survivors in Bexley."
    amount = Decimal("10000.00")
    amount_applied_for = Decimal("12000.00")
    start_date = dt.date(2026, 4, 1)
    end_date = dt.date(2027, 3, 31)
    status = AwardStatus.ACTIVE
    offered_at = factory.LazyFunction(lambda: london_datetime(dt.date(2026, 3, 20), 10))
    prevention_bp = 2500
    support_bp = 2500
    perpetrators_bp = 2500
    trust_bp = 2500


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    award = factory.SubFactory(AwardFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    due_date = dt.date(2026, 7, 1)
    amount = Decimal("2500.00")
    status = PaymentStatus.SCHEDULED


def paid(award, amount, paid_on, sequence=None):
    sequence = sequence or (award.payments.count() + 1)
    return Payment.objects.create(
        award=award,
        sequence=sequence,
        due_date=paid_on,
        amount=Decimal(amount),
        status=PaymentStatus.PAID,
        paid_on=paid_on,
    )


def quarterly_return(award, fy, q, *, status=ReturnStatus.APPROVED, submitted_on=None, due_days=21):
    quarter = FinancialQuarter(fy, q)
    due = quarter.end + dt.timedelta(days=due_days)
    submitted_at = None
    if status in (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED, ReturnStatus.CHANGES_REQUESTED):
        submitted_at = london_datetime(submitted_on or due - dt.timedelta(days=2), 12)
    return QuarterlyReturn.objects.create(
        award=award,
        financial_year=fy,
        quarter=q,
        period_start=quarter.start,
        period_end=quarter.end,
        due_date=due,
        status=status,
        submitted_at=submitted_at,
        approved_at=timezone.now() if status == ReturnStatus.APPROVED else None,
        progress_narrative=f"Progress for {quarter.label}.",
    )


def target(award, indicator, fy, q, value):
    return IndicatorTarget.objects.create(
        award=award, indicator=indicator, financial_year=fy, quarter=q, target=Decimal(value)
    )


def result(quarterly_return, indicator, value):
    return IndicatorResult.objects.create(quarterly_return=quarterly_return, indicator=indicator, actual=Decimal(value))


def build_portfolio(n_awards, *, fy=2026, organisations=None, call=None):
    """A portfolio built with bulk_create (fast enough for 1,000 awards): each award has two paid payments
    in Q1 and Q2, approved returns for Q1 and Q2 (one late), and targets and results for two indicators."""
    from commissioning.models import Indicator

    organisations = organisations or [OrganisationFactory() for _ in range(5)]
    count_indicator = Indicator.objects.get(code="survivors-supported-women")
    pct_indicator = Indicator.objects.get(code="survivors-feeling-safer")
    start = Award.objects.count()
    allocations = [(2500, 2500, 2500, 2500), (10000, 0, 0, 0), (3333, 3333, 3333, 1), (1000, 6000, 0, 3000)]
    awards = Award.objects.bulk_create(
        [
            Award(
                reference=f"BULK-{fy}-{start + i:05d}",
                organisation=organisations[i % len(organisations)],
                recipient_name=organisations[i % len(organisations)].name,
                call=call,
                title=f"Bulk project {i}",
                description="A project.",
                amount=Decimal("12345.67") + i,
                amount_applied_for=Decimal("13000.00") + i,
                start_date=dt.date(fy, 4, 1),
                end_date=dt.date(fy + 1, 3, 31),
                status=AwardStatus.ACTIVE,
                offered_at=london_datetime(dt.date(fy, 3, 1), 9),
                prevention_bp=allocations[i % 4][0],
                support_bp=allocations[i % 4][1],
                perpetrators_bp=allocations[i % 4][2],
                trust_bp=allocations[i % 4][3],
            )
            for i in range(n_awards)
        ]
    )
    returns, payments, targets = [], [], []
    for i, award in enumerate(awards):
        for q in (1, 2):
            quarter = FinancialQuarter(fy, q)
            due = quarter.end + dt.timedelta(days=21)
            late = i % 5 == 0 and q == 2
            returns.append(
                QuarterlyReturn(
                    award=award,
                    financial_year=fy,
                    quarter=q,
                    period_start=quarter.start,
                    period_end=quarter.end,
                    due_date=due,
                    status=ReturnStatus.APPROVED,
                    submitted_at=london_datetime(due + dt.timedelta(days=3 if late else -1), 12),
                    progress_narrative="Going well.",
                )
            )
            payments.append(
                Payment(
                    award=award,
                    sequence=q,
                    due_date=due,
                    amount=Decimal("3086.42"),
                    status=PaymentStatus.PAID,
                    paid_on=due + dt.timedelta(days=5),
                )
            )
            targets.append(
                IndicatorTarget(award=award, indicator=count_indicator, financial_year=fy, quarter=q, target=10)
            )
            targets.append(
                IndicatorTarget(award=award, indicator=pct_indicator, financial_year=fy, quarter=q, target=80)
            )
        # An unsubmitted Q3 return, overdue from 21 January.
        quarter = FinancialQuarter(fy, 3)
        returns.append(
            QuarterlyReturn(
                award=award,
                financial_year=fy,
                quarter=3,
                period_start=quarter.start,
                period_end=quarter.end,
                due_date=quarter.end + dt.timedelta(days=21),
                status=ReturnStatus.NOT_STARTED,
            )
        )
    QuarterlyReturn.objects.bulk_create(returns)
    Payment.objects.bulk_create(payments)
    IndicatorTarget.objects.bulk_create(targets)
    results = []
    for r in QuarterlyReturn.objects.filter(award__in=awards, status=ReturnStatus.APPROVED):
        results.append(
            IndicatorResult(quarterly_return=r, indicator=count_indicator, actual=9 if r.quarter == 1 else 7)
        )
        results.append(IndicatorResult(quarterly_return=r, indicator=pct_indicator, actual=78))
    IndicatorResult.objects.bulk_create(results)
    return awards
