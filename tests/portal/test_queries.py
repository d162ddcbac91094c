"""The dashboard's query count does not grow with the number of applications or calls."""

import pytest
from django.urls import reverse

from tests import factories

from .conftest import make_call

pytestmark = pytest.mark.django_db


def populate(provider, organisation, n):
    for _ in range(n):
        call = make_call()
        factories.ApplicationFactory(call=call, organisation=organisation, created_by=provider)


@pytest.mark.parametrize("size", [2, 12])
def test_dashboard_queries_bounded(client, provider, organisation, size, django_assert_max_num_queries):
    populate(provider, organisation, size)
    client.force_login(provider)
    # 12 for the portal's own content plus 4 for the awards panel (grants, next return, changes, payments).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count("Not submitted yet") == size


@pytest.mark.parametrize("size", [1, 8])
def test_read_only_application_queries_bounded(client, provider, organisation, size, django_assert_max_num_queries):
    from commissioning.services import applications as service

    from .conftest import make_complete

    application = make_complete(
        factories.ApplicationFactory(call=make_call(), organisation=organisation, created_by=provider)
    )
    for n in range(size):
        factories.BudgetLineFactory(
            application=application,
            amount="1.00",
            description=f"Line {n}",
            financial_year=service.project_years(application.call)[0],
        )
    service.submit_application(actor=provider, application=application)
    client.force_login(provider)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("portal:application", args=[application.pk]))
    assert response.status_code == 200
