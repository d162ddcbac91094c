import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from commissioning.models import ApplicationStatus, Assessment, AssessmentStatus
from outcomes.models import Award, AwardStatus, PaymentStatus, ReturnStatus
from outcomes.services import returns as return_services
from tests import factories

from .conftest import approved_application, award_for
from .test_returns import complete_return

pytestmark = pytest.mark.django_db
AFTER = dt.date(2026, 11, 24)


def test_commissioner_makes_an_award_in_one_action(client, application, commissioner):
    client.force_login(commissioner)
    page = client.get(reverse("outcomes_admin:award_create", args=[application.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["allocation_support"].initial == Decimal("50") and form["amount"].initial == Decimal("12000.00")
    data = {
        "amount": "12000.00",
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "conditions": "Quarterly meetings",
        "payment_basis": "arrears",
        "allocation_prevention": "0",
        "allocation_support": "60",
        "allocation_perpetrators": "0",
        "allocation_trust": "40",
    }
    data.update({name: "5" for name, _, _ in form.target_cells})
    response = client.post(reverse("outcomes_admin:award_create", args=[application.pk]), data)
    # Offering is irreversible: a check-and-confirm page first, which carries every answer.
    assert response.status_code == 200, response.context["form"].errors
    assert "Check and confirm" in response.content.decode() and not Award.objects.exists()
    response = client.post(reverse("outcomes_admin:award_create", args=[application.pk]), {**data, "confirmed": "yes"})
    assert response.status_code == 302
    award = Award.objects.get(application=application)
    assert (award.support_bp, award.trust_bp, award.status) == (6000, 4000, AwardStatus.OFFERED)
    assert award.targets.count() == 8 and award.payments.count() == 4


def test_allocation_not_adding_to_100_is_refused_with_a_specific_message(client, application, commissioner):
    client.force_login(commissioner)
    data = {
        "amount": "12000.00",
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "payment_basis": "arrears",
        "allocation_prevention": "0",
        "allocation_support": "60",
        "allocation_perpetrators": "0",
        "allocation_trust": "39.99",
    }
    response = client.post(reverse("outcomes_admin:award_create", args=[application.pk]), data)
    assert "They add up to 99.99%" in response.content.decode()
    assert not Award.objects.exists()


def test_providers_cannot_reach_the_admin_screens(client, award, provider):
    client.force_login(provider)
    response = client.get(reverse("outcomes_admin:awards"))
    assert response.status_code in (302, 403)


def test_review_screen_approves_and_payments_are_recorded(client, active_award, provider, commissioner):
    quarterly_return = active_award.returns.order_by("financial_year", "quarter").first()
    complete_return(quarterly_return, provider)
    return_services.submit_return(quarterly_return=quarterly_return, actor=provider, today=AFTER)
    client.force_login(commissioner)
    page = client.get(reverse("outcomes_admin:return_review", args=[quarterly_return.pk])).content.decode()
    assert "Targets and actuals by quarter" in page and "Q2 2025/26" in page
    response = client.post(
        reverse("outcomes_admin:return_review", args=[quarterly_return.pk]), {"decision": "changes", "comments": ""}
    )
    assert "Say what the provider needs to change." in response.content.decode()
    client.post(reverse("outcomes_admin:return_review", args=[quarterly_return.pk]), {"decision": "approve"})
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.APPROVED
    payment = quarterly_return.payment
    client.post(
        reverse("outcomes_admin:payment_record", args=[payment.pk]), {"paid_on": "2025-08-01", "reference": "BACS-9"}
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.payment_reference == "BACS-9"


def test_vary_and_close_screens(client, active_award, commissioner):
    client.force_login(commissioner)
    data = {
        "reason": "More demand",
        "amount": "12500.00",
        "end_date": "2026-03-31",
        "allocation_prevention": "0",
        "allocation_support": "50",
        "allocation_perpetrators": "0",
        "allocation_trust": "50",
    }
    data.update({f"target_{t.pk}": str(t.target) for t in active_award.targets.all()})
    assert client.post(reverse("outcomes_admin:award_vary", args=[active_award.pk]), data).status_code == 302
    active_award.refresh_from_db()
    assert active_award.amount == Decimal("12500.00")
    response = client.post(
        reverse("outcomes_admin:award_close", args=[active_award.pk]),
        {"final_spend": "100", "clawback_amount": "0", "confirmed": "yes"},
    )
    assert "final quarterly return must be approved" in response.content.decode()


def test_variation_changing_only_the_amount_needs_nothing_retyped(client, active_award, commissioner):
    """The form shows the award's values (the end date as ISO for the date picker); an amount change alone works,
    and so does a form whose end date was left blank."""
    client.force_login(commissioner)
    page = client.get(reverse("outcomes_admin:award_vary", args=[active_award.pk])).content.decode()
    assert f'value="{active_award.end_date.isoformat()}"' in page
    end_date = active_award.end_date
    form = client.get(reverse("outcomes_admin:award_vary", args=[active_award.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else str(value) for name, value in data.items()}
    data.update({"reason": "More demand", "amount": "12600.00"})
    assert client.post(reverse("outcomes_admin:award_vary", args=[active_award.pk]), data).status_code == 302
    active_award.refresh_from_db()
    assert (active_award.amount, active_award.end_date) == (Decimal("12600.00"), end_date)
    data.update({"reason": "Even more demand", "amount": "12700.00", "end_date": ""})
    assert client.post(reverse("outcomes_admin:award_vary", args=[active_award.pk]), data).status_code == 302
    active_award.refresh_from_db()
    assert (active_award.amount, active_award.end_date) == (Decimal("12700.00"), end_date)
    page = client.get(reverse("outcomes_admin:award", args=[active_award.pk])).content.decode()
    assert "£12,600.00" in page and "£12,700.00" in page and "{" not in page.split("Variations")[-1]


def test_closing_asks_to_check_and_confirm(client, commissioner, active_award):
    client.force_login(commissioner)
    response = client.post(
        reverse("outcomes_admin:award_close", args=[active_award.pk]), {"final_spend": "100", "clawback_amount": "0"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Check and confirm" in body and "£100.00" in body
    assert 'name="final_spend" value="100"' in body
    active_award.refresh_from_db()
    assert active_award.status == AwardStatus.ACTIVE


def test_commissioner_home_panel_counts_and_links(client, active_award, commissioner):
    client.force_login(commissioner)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your work queue" in body
    assert "Overdue returns" in body and reverse("outcomes_admin:returns") in body
    assert reverse("outcomes_admin:payments") in body


def test_assessor_home_panel_lists_their_applications(client, assessor, organisation):
    application = factories.ApplicationFactory(
        organisation=organisation, status=ApplicationStatus.UNDER_ASSESSMENT, reference="WAIT-0001"
    )
    Assessment.objects.create(
        application=application,
        assessor=assessor,
        status=AssessmentStatus.ASSIGNED,
        assigned_by=factories.staff_user("Commissioner"),
    )
    client.force_login(assessor)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Waiting for your conflict declaration (1)" in body and "WAIT-0001" in body


@pytest.mark.parametrize("url_name", ["outcomes_admin:awards", "outcomes_admin:returns", "outcomes_admin:payments"])
def test_staff_lists_have_bounded_queries(
    client, commissioner, provider, organisation, url_name, django_assert_max_num_queries
):
    from outcomes.services.awards import accept_award

    client.force_login(commissioner)

    def add(n):
        for _ in range(n):
            award = award_for(
                approved_application(organisation=organisation, call=factories.CallFactory(max_project_months=24)),
                commissioner,
            )
            accept_award(award=award, actor=provider, typed_name="Pat Provider")

    add(1)
    client.get(reverse(url_name))
    with django_assert_max_num_queries(25):
        client.get(reverse(url_name))
    add(4)
    with django_assert_max_num_queries(25):
        assert client.get(reverse(url_name)).status_code == 200


def test_staff_home_queries_are_bounded(client, commissioner, provider, organisation, django_assert_max_num_queries):
    from outcomes.services.awards import accept_award

    client.force_login(commissioner)

    def add(n):
        for _ in range(n):
            award = award_for(
                approved_application(organisation=organisation, call=factories.CallFactory(max_project_months=24)),
                commissioner,
            )
            accept_award(award=award, actor=provider, typed_name="Pat Provider")

    add(1)
    client.get(reverse("wagtailadmin_home"))
    with django_assert_max_num_queries(40) as first:
        client.get(reverse("wagtailadmin_home"))
    add(4)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_provider_dashboard_panel_queries_are_bounded(
    rf, organisation, provider, commissioner, django_assert_num_queries
):
    from outcomes.panels import provider_dashboard_panel
    from outcomes.services.awards import accept_award

    def add(n):
        for _ in range(n):
            award = award_for(
                approved_application(organisation=organisation, call=factories.CallFactory(max_project_months=24)),
                commissioner,
            )
            accept_award(award=award, actor=provider, typed_name="Pat Provider")

    add(1)
    with django_assert_num_queries(4):
        provider_dashboard_panel(rf.get("/"), [organisation])
    add(3)
    with django_assert_num_queries(4):
        provider_dashboard_panel(rf.get("/"), [organisation])


def test_award_pages_render(client, active_award, commissioner):
    client.force_login(commissioner)
    body = client.get(reverse("outcomes_admin:award", args=[active_award.pk])).content.decode()
    assert active_award.reference in body and "Accepted by Pat Provider" in body and "Q4 2025/26" in body
    assert client.get(reverse("outcomes_admin:award_vary", args=[active_award.pk])).status_code == 200
    assert client.get(reverse("outcomes_admin:award_close", args=[active_award.pk])).status_code == 200
    assert client.get(reverse("outcomes_admin:awards") + "?status=active").status_code == 200
