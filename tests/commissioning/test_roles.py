import pytest
from django.contrib.auth.models import Group

from commissioning.permissions import can
from commissioning.roles import ROLE_ACTIONS, ROLE_MODEL_PERMISSIONS, Action, Role, roles_of
from tests.factories import ApplicationFactory, AssessmentFactory, UserFactory, provider_user


@pytest.mark.django_db
def test_every_role_has_a_group_with_exactly_its_declared_permissions():
    for role, declared in ROLE_MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(declared), role


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_what_the_table_declares(role):
    user = UserFactory(roles=[role])
    assert roles_of(user) == {role}
    for action in Action:
        assert can(user, action) == (action in ROLE_ACTIONS[role]), (role, action)


@pytest.mark.django_db
def test_executive_sees_reporting_but_no_individual_applications():
    executive = UserFactory(roles=[Role.EXECUTIVE])
    assert can(executive, Action.VIEW_REPORTING)
    assert not can(executive, Action.VIEW_ALL_APPLICATIONS)
    assert not can(executive, Action.SCORE_APPLICATION)


@pytest.mark.django_db
def test_providers_act_only_on_their_own_organisation(organisation, other_organisation):
    application = ApplicationFactory(organisation=organisation)
    mine = provider_user(organisation)
    theirs = provider_user(other_organisation)
    assert can(mine, Action.APPLY, application)
    assert not can(theirs, Action.APPLY, application)


@pytest.mark.django_db
def test_pending_members_and_plain_members_have_limited_powers(organisation):
    pending = provider_user(organisation, status="pending")
    member = provider_user(organisation, org_role="member")
    assert not can(pending, Action.APPLY, organisation)
    assert can(member, Action.APPLY, organisation)
    assert not can(member, Action.ACCEPT_AWARD, organisation)
    assert not can(member, Action.MANAGE_ORGANISATION_MEMBERS, organisation)


@pytest.mark.django_db
def test_assessors_score_only_assigned_unconflicted_applications(assessor):
    submitted = {"application__status": "under_assessment"}
    assigned = AssessmentFactory(assessor=assessor, **submitted).application
    conflicted = AssessmentFactory(assessor=assessor, status="conflicted", **submitted).application
    unassigned = ApplicationFactory(status="under_assessment")
    assert can(assessor, Action.SCORE_APPLICATION, assigned)
    assert not can(assessor, Action.SCORE_APPLICATION, conflicted)
    assert not can(assessor, Action.SCORE_APPLICATION, unassigned)


def test_no_staff_action_reaches_an_unsubmitted_draft(assessor, commissioner):
    """Staff screens never list drafts; can() refuses every staff action on one, so nothing links or
    downloads past that (issue 11)."""
    assessment = AssessmentFactory(assessor=assessor)  # the factory's application is a draft
    draft = assessment.application
    assert draft.status == "draft"
    assert not can(assessor, Action.SCORE_APPLICATION, draft)
    assert not can(assessor, Action.SCORE_APPLICATION, assessment)
    for action in (Action.VIEW_ALL_APPLICATIONS, Action.CHECK_ELIGIBILITY, Action.MODERATE, Action.DECIDE):
        assert not can(commissioner, action, draft)
        assert can(commissioner, action)  # the role still holds the power


@pytest.mark.django_db
def test_inactive_users_hold_no_role():
    user = UserFactory(roles=[Role.COMMISSIONER], is_active=False)
    assert roles_of(user) == set()
    assert not can(user, Action.MANAGE_CALLS)
