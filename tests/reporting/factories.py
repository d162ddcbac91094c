"""Award, payment and return factories for reporting tests: built directly from the models, so these tests
do not depend on the award and return services."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from commissioning.fiscal import FinancialQuarter, london_datetime
from outcomes.models import Award, AwardStatus, IndicatorResult, IndicatorTarget, Payment, PaymentStatus, QuarterlyReturn, ReturnStatus
from tests.factories import OrganisationFactory


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    reference = factory.Sequence(lambda n: f"BCSP-2026-01-{n:03d}")
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
        award=award, sequence=sequence, due_date=paid_on, amount=Decimal(amount), status=PaymentStatus.PAID, paid_on=paid_on
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
    return IndicatorTarget.objects.create(award=award, indicator=indicator, financial_year=fy, quarter=q, target=Decimal(value))


def result(quarterly_return, indicator, value):
    return IndicatorResult.objects.create(quarterly_return=quarterly_return, indicator=indicator, actual=Decimal(value))
