"""Item 6: races on PostgreSQL with real threads (deselected on SQLite; CI runs them on PostgreSQL).

Two awards racing for the last of a call's budget: tests/outcomes/test_concurrency.py.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from commissioning.models import Application, AuditEntry, BudgetLine, Decision, DecisionOutcome
from commissioning.services.applications import withdraw_application
from commissioning.services.assessment import record_decision
from outcomes.models import QuarterlyReturn, ReturnRound, ReturnStatus
from outcomes.services import returns as return_services
from outcomes.services.awards import accept_award
from tests import factories
from tests.outcomes.conftest import approved_application, award_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AFTER = dt.date(2026, 4, 30)


def race(*jobs):
    """Run each job in its own thread, released together; returns each job's result or error message."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            job()
            outcomes[index] = "ok"
        except ValidationError as exc:
            outcomes[index] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_submissions_of_the_same_return_at_once_give_one():
    organisation = factories.OrganisationFactory()
    provider = factories.provider_user(organisation)
    commissioner = factories.staff_user("Commissioner")
    award = accept_award(
        award=award_for(approved_application(organisation=organisation), commissioner),
        actor=provider,
        typed_name=provider.get_full_name(),
    )
    quarterly_return = award.returns.order_by("financial_year", "quarter").first()
    results = {i.pk: Decimal("9") for i, _ in return_services.return_indicators(quarterly_return)}
    spend = {line.pk: Decimal("1000.00") for line in return_services.return_budget_lines(quarterly_return)}
    return_services.save_return_draft(
        quarterly_return=quarterly_return,
        actor=provider,
        results=results,
        spend=spend,
        fields={"progress_narrative": "Groups ran.", "challenges_and_risks": "None.", "safeguarding_incidents": 0},
    )

    def submit():
        return_services.submit_return(
            quarterly_return=QuarterlyReturn.objects.get(pk=quarterly_return.pk), actor=provider, today=AFTER
        )

    outcomes = race(submit, submit)
    assert sorted(outcomes)[1] == "ok" and outcomes.count("ok") == 1, outcomes
    refusal = next(outcome for outcome in outcomes if outcome != "ok")
    assert "This return is submitted, so it cannot be submitted." in refusal
    assert QuarterlyReturn.objects.get(pk=quarterly_return.pk).status == ReturnStatus.SUBMITTED
    assert ReturnRound.objects.filter(quarterly_return=quarterly_return).count() == 1
    assert AuditEntry.objects.for_object(quarterly_return).filter(action="return.submitted").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_a_decision_and_a_withdrawal_racing_leave_one_consistent_state(attempt):
    organisation = factories.OrganisationFactory()
    provider = factories.provider_user(organisation)
    commissioner = factories.staff_user("Commissioner")
    application = factories.ApplicationFactory(organisation=organisation, status="moderated")
    BudgetLine.objects.create(
        application=application, category="staff", description="Worker", financial_year=2025, amount=Decimal("5000.00")
    )

    def decide():
        record_decision(
            application=Application.objects.get(pk=application.pk),
            actor=commissioner,
            outcome=DecisionOutcome.APPROVE,
            feedback="Strong bid.",
        )

    def withdraw():
        withdraw_application(
            actor=provider, application=Application.objects.get(pk=application.pk), reason="Our project lead has left."
        )

    outcomes = race(decide, withdraw) if attempt % 2 == 0 else race(withdraw, decide)[::-1]
    assert outcomes.count("ok") == 1, outcomes
    final = Application.objects.get(pk=application.pk)
    moves = list(
        AuditEntry.objects.for_object(application)
        .filter(action__startswith="application.")
        .values_list("action", flat=True)
    )
    if outcomes[0] == "ok":  # the decision won: approved, never withdrawn
        assert final.status == "approved" and final.withdrawn_at is None
        assert Decision.objects.filter(application=application).count() == 1
        assert "cannot be withdrawn" in outcomes[1]
        assert moves == ["application.approved"]
    else:  # the withdrawal won: withdrawn, no decision recorded
        assert final.status == "withdrawn" and final.withdrawn_at is not None
        assert not Decision.objects.filter(application=application).exists()
        assert "withdrawn" in outcomes[0]
        assert moves == ["application.withdrawn"]
