import pytest
from django.core.management import call_command
from django.test import override_settings

from commissioning.models import Application, AssessmentStatus, Decision


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_has_every_state_on_one_call_with_two_assessors_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    applications = Application.objects.filter(call__reference="BCSP-2026-01")
    first = (applications.count(), Decision.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (applications.count(), Decision.objects.count()) == first
    assert set(applications.values_list("status", flat=True)) == {
        "submitted",
        "ineligible",
        "under_assessment",
        "scored",
        "moderated",
        "approved",
        "rejected",
        "reserve",
        "withdrawn",
    }
    scored = applications.get(status="scored")
    assert set(scored.assessments.values_list("assessor__email", flat=True)) == {
        "assessor1@example.org",
        "assessor2@example.org",
    }
    assert all(a.weighted_total is not None for a in scored.assessments.all())
    conflicted = applications.get(status="under_assessment").assessments.get(status=AssessmentStatus.CONFLICTED)
    assert conflicted.assessor.email == "assessor3@example.org"
    approved = applications.get(status="approved").decision
    assert approved.released_at and approved.reduction_reason
    assert approved.approved_amount < approved.application.total_requested
    assert applications.get(status="rejected").decision.released_at
    assert applications.get(status="reserve").decision.released_at is None
    # BCSP-2025-01 belongs to the awards demo: every application there is approved and awarded.
    assert set(Application.objects.filter(call__reference="BCSP-2025-01").values_list("status", flat=True)) <= {
        "approved"
    }


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_every_staff_screen_renders_on_the_demo_data(client):
    from django.urls import reverse

    from commissioning.models import Call, User

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call = Call.objects.get(reference="BCSP-2026-01")
    applications = list(Application.objects.filter(call=call))
    client.force_login(User.objects.get(email="commissioner@example.org"))
    for name in ("applications", "moderation"):
        assert client.get(reverse(f"assessment_admin:{name}", args=[call.pk])).status_code == 200
    assert client.get(reverse("assessment_admin:index")).status_code == 200
    for application in applications:
        assert client.get(reverse("assessment_admin:application", args=[application.pk])).status_code == 200
    scored = next(a for a in applications if a.status == "scored")
    for name in ("moderate", "decide"):
        assert client.get(reverse(f"assessment_admin:{name}", args=[scored.pk])).status_code == 200
    submitted = next(a for a in applications if a.status == "submitted")
    for name in ("eligibility", "assign"):
        assert client.get(reverse(f"assessment_admin:{name}", args=[submitted.pk])).status_code == 200
    panel = client.get(reverse("assessment_admin:moderation", args=[call.pk])).content.decode()
    assert "Assessors differ by 2 or more" in panel and "Funding line" in panel

    client.force_login(User.objects.get(email="assessor1@example.org"))
    assert client.get(reverse("assessment_admin:index")).status_code == 200
    under = next(a for a in applications if a.status == "under_assessment")
    assert client.get(reverse("assessment_admin:score", args=[under.pk])).status_code == 200
    client.force_login(User.objects.get(email="assessor3@example.org"))
    assert client.get(reverse("assessment_admin:score", args=[under.pk])).status_code == 404
