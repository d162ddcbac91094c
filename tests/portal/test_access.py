"""Role rules on every portal URL: anonymous -> sign in; another organisation's provider -> 404;
staff with no membership -> 403 or 404; the owning provider -> 200."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from commissioning.models import Attachment, BudgetLine, Indicator, ProposedOutcome
from commissioning.roles import Role
from tests import factories
from tests.conftest import is_refused

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(provider, organisation, open_call):
    application = factories.ApplicationFactory(call=open_call, organisation=organisation, created_by=provider)
    line = BudgetLine.objects.create(
        application=application, category="staff", description="x", financial_year=2026, amount=1
    )
    outcome = ProposedOutcome.objects.create(application=application, indicator=Indicator.objects.first())
    attachment = Attachment(
        application=application,
        kind="other",
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    attachment.file.save("a.pdf", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    return {"application": application, "line": line, "outcome": outcome, "attachment": attachment}


def application_urls(objects):
    a = objects["application"].pk
    return [
        reverse("portal:application", args=[a]),
        *[
            reverse("portal:section", args=[a, key])
            for key in ("organisation", "project", "themes", "budget", "questions", "attachments")
        ],
        reverse("portal:outcome_add", args=[a]),
        reverse("portal:outcome_edit", args=[a, objects["outcome"].pk]),
        reverse("portal:outcome_delete", args=[a, objects["outcome"].pk]),
        reverse("portal:budget_line_edit", args=[a, objects["line"].pk]),
        reverse("portal:budget_line_delete", args=[a, objects["line"].pk]),
        reverse("portal:attachment_download", args=[a, objects["attachment"].token]),
        reverse("portal:attachment_delete", args=[a, objects["attachment"].token]),
        reverse("portal:submit", args=[a]),
        reverse("portal:withdraw", args=[a]),
    ]


def test_owner_can_open_every_application_url(client, provider, objects):
    client.force_login(provider)
    for url in application_urls(objects):
        assert client.get(url).status_code in (200, 302), url


def test_anonymous_redirected_to_sign_in(client, objects, organisation, open_call):
    urls = application_urls(objects) + [
        reverse("portal:dashboard"),
        reverse("portal:organisation"),
        reverse("portal:organisation_detail", args=[organisation.pk]),
        reverse("portal:organisation_edit", args=[organisation.pk]),
        reverse("portal:organisation_create"),
        reverse("portal:organisation_join"),
        reverse("portal:call", args=[open_call.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("portal:login")), url
    for url in (
        reverse("portal:application_start", args=[open_call.pk]),
        reverse("portal:resend_confirmation"),
        reverse("portal:membership_decide", args=[1]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("portal:login")), url


def test_other_organisations_provider_gets_404(client, other_provider, objects, organisation):
    client.force_login(other_provider)
    for url in application_urls(objects):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "later", "reason": "x"}).status_code == 404, url
    assert client.get(reverse("portal:organisation_detail", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("portal:organisation_edit", args=[organisation.pk])).status_code == 404
    assert (
        client.post(
            reverse("portal:application_start", args=[objects["application"].call_id]),
            {"organisation": organisation.pk},
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ASSESSOR, Role.EXECUTIVE, Role.ADMINISTRATOR])
def test_staff_without_membership_refused(client, objects, organisation, role):
    client.force_login(factories.staff_user(role))
    for url in application_urls(objects):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(reverse("portal:organisation_detail", args=[organisation.pk])).status_code in (403, 404)
    assert client.get(reverse("portal:organisation")).status_code == 403


def submit(application):
    type(application).objects.filter(pk=application.pk).update(status="submitted")


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR, Role.ASSESSOR])
def test_nobody_on_the_staff_side_downloads_a_drafts_file(client, objects, role):
    """Issue 11: staff screens hide drafts, so a draft's files are refused to staff by either route, even
    to an assessor with an assessment recorded against it."""
    user = factories.staff_user(role)
    factories.AssessmentFactory(application=objects["application"], assessor=user, status="no_conflict")
    client.force_login(user)
    token = objects["attachment"].token
    assert client.get(reverse("assessment_admin:attachment", args=[token])).status_code == 404
    portal_url = reverse("portal:attachment_download", args=[objects["application"].pk, token])
    assert client.get(portal_url).status_code == 403


def test_staff_download_through_their_own_screen_never_the_portal(client, objects, commissioner, executive):
    """The portal route asks the portal page's question (the provider's own organisation); staff use the
    assessment screen's download, which asks the staff page's question."""
    portal_url = reverse("portal:attachment_download", args=[objects["application"].pk, objects["attachment"].token])
    staff_url = reverse("assessment_admin:attachment", args=[objects["attachment"].token])
    submit(objects["application"])
    client.force_login(commissioner)
    assert client.get(portal_url).status_code == 403
    assert client.get(staff_url).status_code == 200
    client.force_login(executive)
    assert client.get(portal_url).status_code == 403
    assert is_refused(client.get(staff_url))


def test_assessor_downloads_only_when_assigned_and_not_conflicted(client, objects, assessor):
    url = reverse("assessment_admin:attachment", args=[objects["attachment"].token])
    submit(objects["application"])
    client.force_login(assessor)
    assert client.get(url).status_code == 404
    assessment = factories.AssessmentFactory(application=objects["application"], assessor=assessor)
    assert client.get(url).status_code == 200
    assessment.status = "conflicted"
    assessment.save()
    assert client.get(url).status_code == 404


def test_attachment_url_with_wrong_application_is_404(client, provider, objects, other_provider, other_organisation):
    theirs = factories.ApplicationFactory(organisation=other_organisation, created_by=other_provider)
    client.force_login(provider)
    url = reverse("portal:attachment_download", args=[theirs.pk, objects["attachment"].token])
    assert client.get(url).status_code == 404
