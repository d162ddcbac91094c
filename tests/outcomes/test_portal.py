import pytest
from django.urls import reverse

from commissioning.models import AuditEntry, Indicator, MembershipRole
from outcomes.models import AwardStatus, ReturnStatus
from outcomes.panels import provider_dashboard_panel
from outcomes.services import returns as services
from tests import factories

pytestmark = pytest.mark.django_db


def test_org_admin_sees_the_offer_and_accepts_by_typing_their_name(client, award, provider):
    client.force_login(provider)
    page = client.get(reverse("outcomes_portal:award", args=[award.pk])).content.decode()
    assert "£12,000.00" in page and "Attend quarterly review meetings." in page
    assert "Accept the grant agreement" in page and "Payment schedule" in page and "Targets" in page
    response = client.post(reverse("outcomes_portal:accept", args=[award.pk]), {"typed_name": "Pat Provider"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE and award.accepted_name == "Pat Provider"


def test_blank_name_shows_an_error(client, award, provider):
    client.force_login(provider)
    response = client.post(reverse("outcomes_portal:accept", args=[award.pk]), {"typed_name": ""})
    body = response.content.decode()
    assert "<title>Error: " in body and "Type your full name to accept the grant agreement." in body


def test_decline_with_reason(client, award, provider):
    client.force_login(provider)
    client.post(reverse("outcomes_portal:decline", args=[award.pk]), {"reason": "No capacity"})
    award.refresh_from_db()
    assert award.status == AwardStatus.DECLINED


def test_members_can_view_but_not_accept(client, award, organisation):
    member = factories.provider_user(organisation, org_role=MembershipRole.MEMBER)
    client.force_login(member)
    page = client.get(reverse("outcomes_portal:award", args=[award.pk])).content.decode()
    assert "Only your organisation's admin can accept" in page
    assert client.post(reverse("outcomes_portal:accept", args=[award.pk]), {"typed_name": "M"}).status_code == 403
    award.refresh_from_db()
    assert award.status == AwardStatus.OFFERED


def test_other_organisations_get_404(client, award, other_provider):
    client.force_login(other_provider)
    quarterly_return = award.returns.first()
    for url in [
        reverse("outcomes_portal:award", args=[award.pk]),
        reverse("outcomes_portal:agreement", args=[award.pk]),
        reverse("outcomes_portal:return", args=[quarterly_return.pk]),
        reverse("outcomes_portal:return_template", args=[quarterly_return.pk]),
    ]:
        assert client.get(url).status_code == 404


def test_printable_agreement_links_a_print_stylesheet(client, award, provider):
    client.force_login(provider)
    body = client.get(reverse("outcomes_portal:agreement", args=[award.pk])).content.decode()
    assert 'href="/static/outcomes/print.css" media="print"' in body
    assert "style=" not in body.split("<main")[1] and "<script>" not in body


def test_return_form_keeps_valid_parts_and_reports_errors(client, active_award, provider):
    client.force_login(provider)
    quarterly_return = active_award.returns.order_by("financial_year", "quarter").first()
    women = Indicator.objects.get(code="survivors-supported-women")
    safer = Indicator.objects.get(code="survivors-feeling-safer")
    response = client.post(
        reverse("outcomes_portal:return", args=[quarterly_return.pk]),
        {
            f"result_{women.pk}": "7",
            f"result_{safer.pk}": "150",
            "progress_narrative": "Good start",
            "case_study": "Someone we helped",
            "save": "1",
        },
    )
    body = response.content.decode()
    assert "<title>Error: " in body
    assert (
        "Survivors feeling safer at exit must be a percentage between 0 and 100, with at most 2 decimal places." in body
    )
    assert "Confirm that no one can be identified from the case study" in body
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.DRAFT
    assert {r.indicator_id: r.actual for r in quarterly_return.results.all()} == {women.pk: 7}
    assert quarterly_return.progress_narrative == "Good start"


def test_return_submitted_from_the_web_form(client, active_award, provider):
    client.force_login(provider)
    quarterly_return = active_award.returns.order_by("financial_year", "quarter").first()
    data = {f"result_{i.pk}": "5" for i, _ in services.return_indicators(quarterly_return)}
    data.update({f"spend_{line.pk}": "100" for line in services.return_budget_lines(quarterly_return)})
    data.update(
        {"progress_narrative": "Done", "challenges_and_risks": "None", "safeguarding_incidents": "0", "submit": "1"}
    )
    response = client.post(reverse("outcomes_portal:return", args=[quarterly_return.pk]), data)
    assert response.status_code == 302
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="return.submitted").exists()
    page = client.get(reverse("outcomes_portal:return", args=[quarterly_return.pk])).content.decode()
    assert "What you reported" in page


def test_return_for_a_future_quarter_offers_no_submit(client, organisation, provider, commissioner):
    import datetime as dt

    from outcomes.services.awards import accept_award

    from .conftest import approved_application, award_for

    application = approved_application(organisation=organisation, call=factories.CallFactory(max_project_months=24))
    award = accept_award(
        award=award_for(application, commissioner, start_date=dt.date(2026, 10, 1), end_date=dt.date(2027, 3, 31)),
        actor=provider,
        typed_name="Pat",
    )
    client.force_login(provider)
    quarterly_return = award.returns.order_by("financial_year", "quarter").last()
    page = client.get(reverse("outcomes_portal:return", args=[quarterly_return.pk])).content.decode()
    assert "Submit the return" not in page and "submit once the quarter has ended" in page
    response = client.post(reverse("outcomes_portal:return", args=[quarterly_return.pk]), {"submit": "1"})
    assert "ends on 31 March 2027" in response.content.decode()


def test_no_field_asks_for_personal_details(active_award):
    from outcomes.forms import ReturnForm

    quarterly_return = active_award.returns.first()
    form = ReturnForm(
        indicators=services.return_indicators(quarterly_return),
        budget_lines=services.return_budget_lines(quarterly_return),
    )
    for name in form.fields:
        assert not any(word in name for word in ("name", "email", "dob", "address", "phone"))


def test_provider_dashboard_panel(rf, active_award, provider, organisation):
    template, context = provider_dashboard_panel(rf.get("/"), [organisation])
    assert template == "outcomes/panels/provider_dashboard.html"
    assert context["counts"]["active"] == 1
    assert context["next_due"].period_label == "Q1 2025/26" and context["overdue"]
    assert provider_dashboard_panel(rf.get("/"), []) is None


def test_award_list_queries_are_bounded(client, organisation, provider, commissioner, django_assert_max_num_queries):
    from .conftest import approved_application, award_for

    client.force_login(provider)

    def add(n):
        for _ in range(n):
            award_for(
                approved_application(organisation=organisation, call=factories.CallFactory(max_project_months=24)),
                commissioner,
            )

    # The shared header adds the website's page-tree menu to every portal page: 13 at any size.
    add(1)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("outcomes_portal:awards")).status_code == 200
    add(4)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("outcomes_portal:awards")).status_code == 200
