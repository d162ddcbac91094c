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
        "submitted", "ineligible", "under_assessment", "scored", "moderated", "approved", "rejected", "reserve",
        "withdrawn",
    }
    scored = applications.get(status="scored")
    assert set(scored.assessments.values_list("assessor__email", flat=True)) == {
        "assessor1@example.org", "assessor2@example.org"
    }
    assert all(a.weighted_total is not None for a in scored.assessments.all())
    conflicted = applications.get(status="under_assessment").assessments.get(status=AssessmentStatus.CONFLICTED)
    assert conflicted.assessor.email == "assessor3@example.org"
    approved = applications.get(status="approved").decision
    assert approved.released_at and approved.reduction_reason and approved.approved_amount < approved.application.total_requested
    assert applications.get(status="rejected").decision.released_at
    assert applications.get(status="reserve").decision.released_at is None
    assert not Application.objects.filter(call__reference="BCSP-2025-01").exists()
