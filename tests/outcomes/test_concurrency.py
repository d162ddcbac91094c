"""Two commissioners awarding on the same call at the same moment cannot over-commit its budget."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from outcomes.models import Award
from outcomes.services.awards import BudgetExceeded
from tests import factories

from .conftest import approved_application, award_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_awards_cannot_exceed_the_call_budget():
    call = factories.CallFactory(total_budget=Decimal("20000.00"), max_grant=Decimal("15000.00"), max_project_months=24)
    applications = [
        approved_application(organisation=factories.OrganisationFactory(), call=call, amount=Decimal("15000.00"))
        for _ in range(2)
    ]
    commissioners = [factories.staff_user("Commissioner") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def make(application, commissioner):
        try:
            barrier.wait()
            award_for(application, commissioner)
            outcomes.append("awarded")
        except BudgetExceeded as exc:
            outcomes.append(str(exc.messages[0]))
        finally:
            connection.close()

    threads = [threading.Thread(target=make, args=pair) for pair in zip(applications, commissioners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("awarded") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "awarded")
    assert "over its budget" in refusal and "£15,000.00 is already committed" in refusal
    assert Award.objects.filter(call=call).count() == 1
