import pytest
from django.core.management import call_command
from django.test import override_settings

from commissioning.models import Application, ApplicationStatus, User
from commissioning.services.applications import COMPLETED, section_statuses

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_has_a_part_filled_draft_on_the_open_call_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    draft = Application.objects.get(call__reference="BCSP-2026-02", created_by__email="provider@example.org")
    assert draft.status == ApplicationStatus.DRAFT and draft.project_title
    statuses = {state.key: state.status for state in section_statuses(draft)}
    assert statuses["organisation"] == COMPLETED and statuses["project"] != COMPLETED
    assert User.objects.get(email="provider@example.org").email_confirmed_at is not None
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Application.objects.filter(call__reference="BCSP-2026-02").count() == 1
