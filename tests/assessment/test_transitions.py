"""Every staff-side application transition in commissioning.states: allowed for the role that holds its
action (and audited), refused for a role that does not."""

import pytest
from django.core.exceptions import PermissionDenied

from commissioning.models import ApplicationStatus as S
from commissioning.models import AuditEntry
from commissioning.roles import Action
from commissioning.states import APPLICATION_TRANSITIONS, TransitionError, change_application_status
from tests import factories

from .conftest import submitted_application

pytestmark = pytest.mark.django_db

STAFF_TRANSITIONS = sorted(
    (frm, to, action) for (frm, to), action in APPLICATION_TRANSITIONS.items() if action != Action.APPLY
)


def _in_state(call, status):
    application = submitted_application(call)
    application.status = status  # test set-up only: the transition under test is what goes through the service
    application.save(update_fields=["status"])
    return application


def _allowed_actor(application, action, commissioner):
    if action == Action.SCORE_APPLICATION:
        assessment = factories.AssessmentFactory(application=application, status="submitted")
        return assessment.assessor
    return commissioner


@pytest.mark.parametrize(("frm", "to", "action"), STAFF_TRANSITIONS)
def test_allowed_and_audited(open_call, commissioner, frm, to, action):
    application = _in_state(open_call, frm)
    actor = _allowed_actor(application, action, commissioner)
    change_application_status(application, to, actor=actor, comment="test move")
    assert application.status == to
    entry = AuditEntry.objects.for_object(application).get(action=f"application.{to}")
    assert (entry.actor, entry.from_state, entry.to_state, entry.comment) == (actor, frm, to, "test move")


@pytest.mark.parametrize(("frm", "to", "action"), STAFF_TRANSITIONS)
def test_refused_for_executive_and_provider(open_call, executive, frm, to, action):
    application = _in_state(open_call, frm)
    provider = factories.provider_user(application.organisation)
    for actor in (executive, provider):
        with pytest.raises(PermissionDenied):
            change_application_status(application, to, actor=actor)
    application.refresh_from_db()
    assert application.status == frm
    assert not AuditEntry.objects.for_object(application).filter(action=f"application.{to}").exists()


def test_unassigned_assessor_cannot_mark_scored(open_call, assessor):
    application = _in_state(open_call, S.UNDER_ASSESSMENT)
    with pytest.raises(PermissionDenied):
        change_application_status(application, S.SCORED, actor=assessor)


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        (S.SUBMITTED, S.SCORED),
        (S.APPROVED, S.REJECTED),
        (S.INELIGIBLE, S.UNDER_ASSESSMENT),
        (S.MODERATED, S.UNDER_ASSESSMENT),
        (S.WITHDRAWN, S.APPROVED),
    ],
)
def test_moves_not_in_the_map_are_refused(open_call, commissioner, frm, to):
    application = _in_state(open_call, frm)
    with pytest.raises(TransitionError):
        change_application_status(application, to, actor=commissioner)
