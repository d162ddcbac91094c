"""Item 6: the database itself refuses what must never happen, even when the service layer is bypassed
(raw ``create``/``update``). Runs on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from commissioning.models import Application, BudgetLine, Decision, Score
from outcomes.models import Award, Payment, QuarterlyReturn
from tests import factories
from tests.outcomes.conftest import approved_application, award_for

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def copy_of(instance, **changes):
    """Insert a copy of ``instance`` (a new row) with ``changes``."""
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()
    return instance


@pytest.fixture
def award(organisation, commissioner):
    return award_for(approved_application(organisation=organisation), commissioner)


def test_one_application_per_organisation_per_call_unless_allowed(organisation):
    first = factories.ApplicationFactory(organisation=organisation)
    refused(lambda: factories.ApplicationFactory(call=first.call, organisation=organisation))
    # A withdrawn application does not block a new one; a call allowing several does not either.
    Application.objects.filter(pk=first.pk).update(status="withdrawn")
    factories.ApplicationFactory(call=first.call, organisation=organisation)
    several = factories.ApplicationFactory(organisation=organisation, multiple_allowed=True)
    factories.ApplicationFactory(call=several.call, organisation=organisation, multiple_allowed=True)


def test_theme_allocation_must_sum_to_100_percent(award):
    refused(lambda: Award.objects.filter(pk=award.pk).update(support_bp=award.support_bp + 1))
    refused(
        lambda: Award.objects.filter(pk=award.pk).update(
            prevention_bp=-1, support_bp=award.support_bp + 1 + award.prevention_bp
        )
    )


@pytest.mark.parametrize(
    "change",
    [
        {"amount": Decimal("-0.01")},
        {"clawback_amount": Decimal("-1.00")},
        {"final_spend": Decimal("-1.00")},
    ],
)
def test_award_money_is_never_negative(award, change):
    refused(lambda: Award.objects.filter(pk=award.pk).update(**change))


def test_payment_budget_line_and_decision_amounts_are_never_negative(award):
    payment = award.payments.first()
    refused(lambda: Payment.objects.filter(pk=payment.pk).update(amount=Decimal("-5.00")))
    line = award.application.budget_lines.first()
    refused(lambda: BudgetLine.objects.filter(pk=line.pk).update(amount=Decimal("-5.00")))
    refused(lambda: Decision.objects.filter(application=award.application).update(approved_amount=Decimal("-5.00")))


def test_one_return_per_award_per_quarter(award):
    quarterly_return = award.returns.first()
    refused(lambda: copy_of(quarterly_return))
    assert (
        QuarterlyReturn.objects.filter(
            award=award, financial_year=quarterly_return.financial_year, quarter=quarterly_return.quarter
        ).count()
        == 1
    )


def test_one_score_per_assessor_per_criterion(organisation):
    application = factories.ApplicationFactory(organisation=organisation, status="under_assessment")
    assessment = factories.AssessmentFactory(application=application, assessor=factories.staff_user("Assessor"))
    criterion = application.call.criteria.first()
    Score.objects.create(assessment=assessment, criterion=criterion, score=3, comment="Fair.")
    refused(lambda: Score.objects.create(assessment=assessment, criterion=criterion, score=5, comment="Again."))
    refused(lambda: Score.objects.filter(assessment=assessment).update(score=6))
