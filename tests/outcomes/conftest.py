"""Builders for the outcomes tests: approved applications made directly (not through assessment)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import (
    ApplicationStatus,
    BudgetLine,
    Decision,
    DecisionOutcome,
    Indicator,
    ProposedOutcome,
    ProposedTarget,
    Theme,
)
from outcomes.services.awards import create_award, default_allocation
from tests import factories

START = dt.date(2025, 4, 1)
END = dt.date(2026, 3, 31)


def approved_application(
    *, organisation, call=None, amount=Decimal("12000.00"), themes=("support", "trust"), reference=None, targets=None
):
    """An approved application with a decision, budget lines for 2025/26 and two proposed outcomes."""
    call = call or factories.CallFactory()
    application = factories.ApplicationFactory(
        call=call,
        organisation=organisation,
        status=ApplicationStatus.APPROVED,
        reference=reference or f"{call.reference}-{organisation.pk:03d}",
    )
    application.themes.set(Theme.objects.filter(slug__in=themes))
    BudgetLine.objects.create(
        application=application,
        category="staff",
        description="Support worker",
        financial_year=2025,
        amount=Decimal("8000.00"),
    )
    BudgetLine.objects.create(
        application=application,
        category="delivery",
        description="Venue hire",
        financial_year=2025,
        amount=Decimal("4000.00"),
    )
    for code, yearly in (targets or {"survivors-supported-women": "40", "survivors-feeling-safer": "80"}).items():
        outcome = ProposedOutcome.objects.create(application=application, indicator=Indicator.objects.get(code=code))
        ProposedTarget.objects.create(outcome=outcome, financial_year=2025, target=Decimal(yearly))
    Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.APPROVE,
        approved_amount=amount,
        feedback="Good.",
        decided_by=factories.staff_user("Commissioner"),
        decided_at=timezone.now(),
    )
    return application


def award_for(application, commissioner, **overrides):
    kwargs = {
        "application": application,
        "actor": commissioner,
        "amount": application.decision.approved_amount,
        "start_date": START,
        "end_date": END,
        "allocation": default_allocation(application.themes.values_list("slug", flat=True)),
        "conditions": "Attend quarterly review meetings.",
    }
    kwargs.update(overrides)
    return create_award(**kwargs)


@pytest.fixture
def call(db):
    return factories.CallFactory(max_project_months=24)


@pytest.fixture
def application(organisation, call):
    return approved_application(organisation=organisation, call=call)


@pytest.fixture
def award(application, commissioner):
    return award_for(application, commissioner)


@pytest.fixture
def active_award(award, provider):
    from outcomes.services.awards import accept_award

    return accept_award(award=award, actor=provider, typed_name="Pat Provider")
