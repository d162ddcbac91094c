"""Staff-side transitions: each allowed, refused and audited, plus the staff bad inputs."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import (
    ApplicationStatus as S,
)
from commissioning.models import (
    AssessmentStatus,
    AuditEntry,
    Decision,
    EligibilityCheck,
    ModeratedScore,
    Score,
)
from commissioning.services import assessment as services
from commissioning.states import TransitionError
from tests import factories

from .conftest import assessors, moderate_all, score_all, scored_application, submitted_application

pytestmark = pytest.mark.django_db


def entries(application, action):
    return AuditEntry.objects.for_object(application).filter(action=action)


# --- 7. Eligibility ---------------------------------------------------------------------------------


def test_failed_eligibility_makes_the_application_ineligible_with_a_reason(open_call, commissioner):
    application = submitted_application(open_call)
    services.record_eligibility(
        application=application,
        actor=commissioner,
        reason="No safeguarding policy was supplied.",
        results={"governance": (True, "Board minutes seen"), "safeguarding": (False, "Missing")},
    )
    application.refresh_from_db()
    assert application.status == S.INELIGIBLE
    assert application.ineligible_reason == "No safeguarding policy was supplied."
    assert EligibilityCheck.objects.get(application=application, item="safeguarding").notes == "Missing"
    entry = entries(application, "application.ineligible").get()
    assert (entry.actor, entry.from_state, entry.to_state) == (commissioner, "submitted", "ineligible")


def test_passed_eligibility_keeps_the_status(open_call, commissioner):
    application = submitted_application(open_call)
    services.record_eligibility(
        application=application,
        actor=commissioner,
        results={"governance": (True, ""), "accounts": (True, "2025 accounts")},
    )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert entries(application, "eligibility.checked").exists()


def test_a_failure_needs_a_reason_and_saves_nothing_without_one(open_call, commissioner):
    application = submitted_application(open_call)
    with pytest.raises(ValidationError) as exc:
        services.record_eligibility(application=application, actor=commissioner, results={"insurance": (False, "")})
    assert "reason" in exc.value.message_dict
    assert not EligibilityCheck.objects.exists()


def test_eligibility_refused_for_assessor_and_for_decided_application(open_call, commissioner, assessor):
    application = submitted_application(open_call)
    with pytest.raises(PermissionDenied):
        services.record_eligibility(application=application, actor=assessor, results={"governance": (True, "")})
    application.status = S.APPROVED
    application.save()
    with pytest.raises(ValidationError):
        services.record_eligibility(application=application, actor=commissioner, results={"governance": (True, "")})


# --- 8. Assignment and conflicts --------------------------------------------------------------------


def test_assigning_two_assessors_moves_to_under_assessment_and_is_audited(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    application.refresh_from_db()
    assert application.status == S.UNDER_ASSESSMENT
    assert set(application.assessments.values_list("assessor", flat=True)) == {p.pk for p in people}
    assert entries(application, "application.under_assessment").get().from_state == "submitted"
    assert entries(application, "assessment.assigned").count() == 2


def test_assignment_refusals(open_call, commissioner, assessor, provider):
    application = submitted_application(open_call)
    with pytest.raises(ValidationError, match="at least 2"):
        services.assign_assessors(application=application, assessors=[assessor], actor=commissioner)
    with pytest.raises(ValidationError, match="Not an assessor"):
        services.assign_assessors(application=application, assessors=[assessor, provider], actor=commissioner)
    with pytest.raises(PermissionDenied):
        services.assign_assessors(application=application, assessors=assessors(2), actor=assessor)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    with pytest.raises(ValidationError, match="Already assigned"):
        services.assign_assessors(application=application, assessors=[people[0]], actor=commissioner)
    application.refresh_from_db()
    assert application.status == S.UNDER_ASSESSMENT


def test_bulk_assign_spreads_evenly_and_never_repeats(open_call, commissioner):
    applications = [submitted_application(open_call) for _ in range(6)]
    people = assessors(4)
    created = services.bulk_assign(call=open_call, assessors=people, actor=commissioner)
    assert created == 12
    loads = sorted(p.assessments.count() for p in people)
    assert loads == [3, 3, 3, 3]
    for application in applications:
        application.refresh_from_db()
        assert application.status == S.UNDER_ASSESSMENT
        ids = list(application.assessments.values_list("assessor", flat=True))
        assert len(ids) == len(set(ids)) == 2
    # Running it again changes nothing: every application already has two.
    assert services.bulk_assign(call=open_call, assessors=people, actor=commissioner) == 0


def test_bulk_assign_needs_enough_assessors(open_call, commissioner):
    submitted_application(open_call)
    with pytest.raises(ValidationError):
        services.bulk_assign(call=open_call, assessors=assessors(1), actor=commissioner)


def test_conflict_needs_description_and_then_application_needs_reassignment(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(3)
    services.assign_assessors(application=application, assessors=people[:2], actor=commissioner)
    assessment = application.assessments.get(assessor=people[0])
    with pytest.raises(ValidationError):
        services.declare_conflict(assessment=assessment, actor=people[0], conflicted=True, description=" ")
    services.declare_conflict(
        assessment=assessment, actor=people[0], conflicted=True, description="I am a trustee of this charity."
    )
    assert assessment.status == AssessmentStatus.CONFLICTED
    assert entries(application, "assessment.conflict_declared").get().comment == "I am a trustee of this charity."
    assert services.needs_reassignment(application)
    # A replacement brings it back to two without a conflict.
    services.assign_assessors(application=application, assessors=[people[2]], actor=commissioner)
    assert not services.needs_reassignment(application)


def test_only_the_assessor_declares_and_only_once(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    assessment = application.assessments.get(assessor=people[0])
    with pytest.raises(PermissionDenied):
        services.declare_conflict(assessment=assessment, actor=people[1], conflicted=False)
    services.declare_conflict(assessment=assessment, actor=people[0], conflicted=False)
    with pytest.raises(ValidationError):
        services.declare_conflict(assessment=assessment, actor=people[0], conflicted=True, description="x")


# --- 9. Scoring -------------------------------------------------------------------------------------


def test_weighted_total_is_decimal_from_the_weights(open_call):
    criteria = list(open_call.criteria.all())  # 60 / 40
    total = services.weighted_total({criteria[0].pk: 4, criteria[1].pk: 3}, criteria)
    assert total == Decimal("72.00") and isinstance(total, Decimal)
    assert services.weighted_total({criteria[0].pk: 5, criteria[1].pk: 5}, criteria) == Decimal("100.00")


def test_scoring_without_declaring_conflicts_is_refused(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    assessment = application.assessments.get(assessor=people[0])
    criterion = open_call.criteria.first()
    with pytest.raises(ValidationError, match="conflict of interest before scoring"):
        services.save_scores(assessment=assessment, actor=people[0], scores={criterion.pk: ("3", "ok")})
    assert not Score.objects.exists()


@pytest.mark.parametrize("bad", ["6", "-1", "2.5", "five"])
def test_scores_outside_0_to_5_are_refused_and_drafts_kept(open_call, commissioner, bad):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    assessment = application.assessments.get(assessor=people[0])
    services.declare_conflict(assessment=assessment, actor=people[0], conflicted=False)
    first, second = open_call.criteria.all()
    services.save_scores(assessment=assessment, actor=people[0], scores={first.pk: ("3", "Good need")})
    with pytest.raises(ValidationError, match="whole number from 0 to 5"):
        services.save_scores(
            assessment=assessment, actor=people[0], scores={first.pk: ("4", "changed"), second.pk: (bad, "x")}
        )
    saved = Score.objects.get(assessment=assessment)
    assert (saved.score, saved.comment) == (3, "Good need")


def test_conflicted_assessor_cannot_score(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    assessment = application.assessments.get(assessor=people[0])
    services.declare_conflict(assessment=assessment, actor=people[0], conflicted=True, description="Former employee")
    with pytest.raises(PermissionDenied):
        services.save_scores(assessment=assessment, actor=people[0], scores={})


def test_submit_needs_every_score_and_comment(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    assessment = application.assessments.get(assessor=people[0])
    services.declare_conflict(assessment=assessment, actor=people[0], conflicted=False)
    first, _second = open_call.criteria.all()
    with pytest.raises(ValidationError) as exc:
        services.save_scores(assessment=assessment, actor=people[0], submit=True, scores={first.pk: ("3", "")})
    assert any("comment" in m for m in exc.value.messages)
    assert any("choose a score" in m for m in exc.value.messages)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.NO_CONFLICT


def test_all_submitted_moves_to_scored_with_audit_and_locks(open_call, commissioner):
    application, people = scored_application(open_call, commissioner, values=((4, 3), (2, 5)))
    assert application.status == S.SCORED
    totals = sorted(a.weighted_total for a in application.assessments.all())
    assert totals == [Decimal("64.00"), Decimal("72.00")]
    entry = entries(application, "application.scored").get()
    assert (entry.from_state, entry.to_state, entry.actor) == ("under_assessment", "scored", people[1])
    assert entries(application, "assessment.submitted").count() == 2
    assessment = application.assessments.get(assessor=people[0])
    with pytest.raises(ValidationError, match="locked"):
        services.save_scores(assessment=assessment, actor=people[0], scores={})


def test_one_submission_does_not_move_to_scored(open_call, commissioner):
    application = submitted_application(open_call)
    people = assessors(2)
    services.assign_assessors(application=application, assessors=people, actor=commissioner)
    score_all(application, people[0], (3, 3))
    application.refresh_from_db()
    assert application.status == S.UNDER_ASSESSMENT
    assert not entries(application, "application.scored").exists()


def test_minimum_criterion_score_flag_is_recorded(open_call, commissioner):
    open_call.min_criterion_score = 2
    open_call.save()
    application, _people = scored_application(open_call, commissioner, values=((1, 4), (3, 3)))
    flags = [e.data["below_minimum"] for e in entries(application, "assessment.submitted")]
    assert ["Need"] in flags


def test_commissioner_reopens_scores_logged(open_call, commissioner):
    application, people = scored_application(open_call, commissioner)
    assessment = application.assessments.get(assessor=people[0])
    with pytest.raises(PermissionDenied):
        services.reopen_assessment(assessment=assessment, actor=people[1], reason="x")
    with pytest.raises(ValidationError):
        services.reopen_assessment(assessment=assessment, actor=commissioner, reason="")
    services.reopen_assessment(assessment=assessment, actor=commissioner, reason="Comment missing detail")
    application.refresh_from_db()
    assert application.status == S.UNDER_ASSESSMENT
    assert assessment.status == AssessmentStatus.NO_CONFLICT and assessment.weighted_total is None
    assert entries(application, "assessment.reopened").get().comment == "Comment missing detail"
    assert entries(application, "application.under_assessment").filter(from_state="scored").exists()
    score_all(application, people[0], (5, 5))
    application.refresh_from_db()
    assert application.status == S.SCORED


# --- 10. Moderation ---------------------------------------------------------------------------------


def test_moderation_moves_to_moderated_and_is_audited(open_call, commissioner):
    application, _people = scored_application(open_call, commissioner)
    moderate_all(application, commissioner, score=4)
    assert application.status == S.MODERATED
    assert ModeratedScore.objects.filter(application=application).count() == 2
    entry = entries(application, "application.moderated").get()
    assert entry.comment == "Moderated total 80.00."
    moderate_all(application, commissioner, score=3)
    assert entries(application, "moderation.updated").exists()


def test_moderation_refused(open_call, commissioner, assessor):
    application, _people = scored_application(open_call, commissioner)
    criteria = list(open_call.criteria.all())
    with pytest.raises(PermissionDenied):
        services.moderate(application=application, actor=assessor, scores={})
    with pytest.raises(ValidationError, match="rationale"):
        services.moderate(application=application, actor=commissioner, scores={c.pk: ("3", "") for c in criteria})
    with pytest.raises(ValidationError, match="0 to 5"):
        services.moderate(application=application, actor=commissioner, scores={c.pk: ("9", "why") for c in criteria})
    fresh = submitted_application(open_call)
    with pytest.raises(ValidationError, match="Only scored"):
        services.moderate(application=fresh, actor=commissioner, scores={c.pk: ("3", "r") for c in criteria})
    assert not ModeratedScore.objects.exists()


# --- 11. Decisions ----------------------------------------------------------------------------------


@pytest.fixture
def moderated(open_call, commissioner):
    application, _people = scored_application(open_call, commissioner)
    return moderate_all(application, commissioner)


@pytest.mark.parametrize(
    ("outcome", "status"), [("approve", S.APPROVED), ("reject", S.REJECTED), ("reserve", S.RESERVE)]
)
def test_each_decision_moves_status_and_is_audited_unreleased(moderated, commissioner, outcome, status):
    services.record_decision(application=moderated, actor=commissioner, outcome=outcome, feedback="Thank you.")
    moderated.refresh_from_db()
    assert moderated.status == status
    decision = Decision.objects.get(application=moderated)
    assert decision.released_at is None
    assert decision.approved_amount == (Decimal("15000.00") if outcome == "approve" else None)
    entry = entries(moderated, f"application.{status}").get()
    assert (entry.from_state, entry.actor) == ("moderated", commissioner)


def test_reduced_approval_needs_a_reason(moderated, commissioner):
    with pytest.raises(ValidationError) as exc:
        services.record_decision(
            application=moderated,
            actor=commissioner,
            outcome="approve",
            feedback="Good",
            approved_amount=Decimal("12000"),
        )
    assert "reduction_reason" in exc.value.message_dict
    decision = services.record_decision(
        application=moderated,
        actor=commissioner,
        outcome="approve",
        feedback="Good",
        approved_amount=Decimal("12000"),
        reduction_reason="Overheads above the call's guidance.",
    )
    assert decision.approved_amount == Decimal("12000.00")
    assert decision.reduction_reason == "Overheads above the call's guidance."


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("15000.01"), "lots"])
def test_approved_amount_must_be_above_zero_and_within_request(moderated, commissioner, amount):
    with pytest.raises(ValidationError) as exc:
        services.record_decision(
            application=moderated,
            actor=commissioner,
            outcome="approve",
            feedback="Good",
            approved_amount=amount,
            reduction_reason="r",
        )
    assert "approved_amount" in exc.value.message_dict
    moderated.refresh_from_db()
    assert moderated.status == S.MODERATED


def test_decision_refusals(moderated, commissioner, assessor, open_call):
    with pytest.raises(ValidationError, match="feedback"):
        services.record_decision(application=moderated, actor=commissioner, outcome="reject", feedback=" ")
    with pytest.raises(PermissionDenied):
        services.record_decision(application=moderated, actor=assessor, outcome="reject", feedback="No")
    fresh = submitted_application(open_call)
    with pytest.raises(TransitionError):
        services.record_decision(application=fresh, actor=commissioner, outcome="reject", feedback="No")
    assert not Decision.objects.exists()


def test_reserve_can_later_be_approved(moderated, commissioner):
    services.record_decision(application=moderated, actor=commissioner, outcome="reserve", feedback="Close call.")
    services.release_decisions(call=moderated.call, actor=commissioner)
    services.record_decision(application=moderated, actor=commissioner, outcome="approve", feedback="Funds freed.")
    moderated.refresh_from_db()
    assert moderated.status == S.APPROVED
    assert moderated.decision.released_at is None
    assert entries(moderated, "application.approved").get().from_state == "reserve"


def test_release_emails_members_and_sets_released_at(moderated, commissioner, executive):
    member = factories.provider_user(moderated.organisation)
    services.record_decision(application=moderated, actor=commissioner, outcome="approve", feedback="Well evidenced.")
    with pytest.raises(PermissionDenied):
        services.release_decisions(call=moderated.call, actor=executive)
    mail.outbox.clear()
    with django_capture_on_commit():
        assert services.release_decisions(call=moderated.call, actor=commissioner) == 1
    decision = Decision.objects.get(application=moderated)
    assert decision.released_at is not None and decision.released_by == commissioner
    assert len(mail.outbox) == 1
    assert member.email in mail.outbox[0].to
    assert "Well evidenced." in mail.outbox[0].body and "approved for £15,000.00" in mail.outbox[0].body
    assert entries(moderated, "decision.released").exists()
    assert services.release_decisions(call=moderated.call, actor=commissioner) == 0


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
