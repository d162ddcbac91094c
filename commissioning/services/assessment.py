"""Staff-side transitions of an application: eligibility, assessor assignment, conflict declarations,
scoring, moderation, decisions and their release.

Each service takes keyword-only arguments and ``actor=``, checks the actor's permission and the current
state, runs in one transaction and writes audit entries. Application status moves go through
``commissioning.states.change_application_status``. Bad input raises ``ValidationError`` with a message
fit to show the user; a missing permission raises ``PermissionDenied``.
"""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .. import formats
from ..audit import record
from ..models import (
    Application,
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionOutcome,
    EligibilityCheck,
    EligibilityItem,
    MembershipStatus,
    ModeratedScore,
    Score,
    User,
)
from ..models import (
    ApplicationStatus as S,
)
from ..notifications import send_templated_email
from ..permissions import require
from ..roles import Action, Role
from ..states import change_application_status

MIN_ASSESSORS = 2
CENT = Decimal("0.01")
# Statuses in which assessors may still be added to an application.
ASSIGNABLE = {S.SUBMITTED, S.UNDER_ASSESSMENT}


def _locked(application):
    return Application.objects.select_for_update().get(pk=application.pk)


# --- Eligibility and due diligence -------------------------------------------------------------------


def record_eligibility(*, application, results, actor, reason=""):
    """Save a pass/fail with notes per due-diligence item (``results``: {item: (passed, notes)}).

    Any failure moves the application to "ineligible" with ``reason``, which the provider sees; a reason
    is then required. Only submitted or under-assessment applications are checked."""
    require(actor, Action.CHECK_ELIGIBILITY, application, hide=False)
    unknown = set(results) - set(EligibilityItem.values)
    if unknown:
        raise ValidationError(f"Unknown eligibility item: {', '.join(sorted(unknown))}.")
    failed = [EligibilityItem(item).label for item, (passed, _notes) in results.items() if not passed]
    reason = (reason or "").strip()
    if failed and not reason:
        raise ValidationError({"reason": "Give the reason the application is ineligible: the provider will see it."})
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in {S.SUBMITTED, S.UNDER_ASSESSMENT}:
            raise ValidationError(
                f"Eligibility can only be checked on a submitted application; this one is "
                f"{locked.get_status_display().lower()}."
            )
        for item, (passed, notes) in results.items():
            EligibilityCheck.objects.update_or_create(
                application=locked,
                item=item,
                defaults={"passed": bool(passed), "notes": (notes or "").strip(), "checked_by": actor},
            )
        record(
            actor=actor,
            action="eligibility.checked",
            obj=locked,
            comment="Failed: " + ", ".join(failed) if failed else "All items checked passed.",
            data={item: bool(passed) for item, (passed, _notes) in results.items()},
        )
        if failed:
            Application.objects.filter(pk=locked.pk).update(ineligible_reason=reason)
            change_application_status(locked, S.INELIGIBLE, actor=actor, comment=reason)
    application.refresh_from_db()
    return application


# --- Assessor assignment ------------------------------------------------------------------------------


def _is_assessor(user):
    return user.is_active and user.groups.filter(name=Role.ASSESSOR).exists()


def assign_assessors(*, application, assessors, actor, minimum=MIN_ASSESSORS):
    """Assign ``assessors`` to ``application``. Never the same person twice; the application must end up
    with at least ``minimum`` assessors who have not declared a conflict. A submitted application moves
    to "under assessment". Returns the new Assessment rows."""
    require(actor, Action.ASSIGN_ASSESSORS, application, hide=False)
    assessors = list(dict.fromkeys(assessors))
    if not assessors:
        raise ValidationError({"assessors": "Choose at least one assessor."})
    not_assessors = [str(user) for user in assessors if not _is_assessor(user)]
    if not_assessors:
        raise ValidationError({"assessors": f"Not an assessor: {', '.join(not_assessors)}."})
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in ASSIGNABLE:
            raise ValidationError(
                f"Assessors can only be assigned to a submitted application or one under assessment; this one "
                f"is {locked.get_status_display().lower()}."
            )
        existing = {a.assessor_id: a for a in locked.assessments.all()}
        repeated = [str(user) for user in assessors if user.pk in existing]
        if repeated:
            raise ValidationError({"assessors": f"Already assigned to this application: {', '.join(repeated)}."})
        active = sum(1 for a in existing.values() if a.status != AssessmentStatus.CONFLICTED)
        if active + len(assessors) < minimum:
            raise ValidationError(
                {
                    "assessors": f"Each application needs at least {minimum} assessors without a conflict; "
                    f"choose {minimum - active} or more."
                }
            )
        created = []
        for user in assessors:
            assessment = Assessment.objects.create(application=locked, assessor=user, assigned_by=actor)
            record(
                actor=actor,
                action="assessment.assigned",
                obj=locked,
                comment=f"Assigned {user}.",
                data={"assessor": user.pk},
            )
            created.append(assessment)
        if locked.status == S.SUBMITTED:
            change_application_status(locked, S.UNDER_ASSESSMENT, actor=actor, comment="Assessors assigned.")
    application.refresh_from_db()
    return created


def bulk_assign(*, call, assessors, actor, per_application=MIN_ASSESSORS):
    """Bring every submitted or under-assessment application on ``call`` up to ``per_application``
    assessors without a conflict, spreading work evenly: each place goes to the chosen assessor with the
    lowest current load on this call who is not already on that application. Returns how many
    assessments were created."""
    require(actor, Action.ASSIGN_ASSESSORS)
    assessors = list(dict.fromkeys(assessors))
    if len(assessors) < per_application:
        raise ValidationError(
            {"assessors": f"Choose at least {per_application} assessors so no application gets the same one twice."}
        )
    not_assessors = [str(user) for user in assessors if not _is_assessor(user)]
    if not_assessors:
        raise ValidationError({"assessors": f"Not an assessor: {', '.join(not_assessors)}."})
    created = 0
    with transaction.atomic():
        load = Counter(
            dict(
                Assessment.objects.filter(application__call=call, assessor__in=assessors)
                .values_list("assessor")
                .annotate(n=Count("pk"))
                .values_list("assessor", "n")
            )
        )
        applications = (
            Application.objects.select_for_update().filter(call=call, status__in=ASSIGNABLE).order_by("reference", "pk")
        )
        on_application = {}
        for assessor_id, application_id, status in Assessment.objects.filter(
            application__call=call, application__status__in=ASSIGNABLE
        ).values_list("assessor_id", "application_id", "status"):
            on_application.setdefault(application_id, []).append((assessor_id, status))
        for application in applications:
            current = on_application.get(application.pk, [])
            taken = {assessor_id for assessor_id, _status in current}
            active = sum(1 for _a, status in current if status != AssessmentStatus.CONFLICTED)
            needed = per_application - active
            if needed <= 0:
                continue
            candidates = sorted(
                (user for user in assessors if user.pk not in taken),
                key=lambda user: (load[user.pk], assessors.index(user)),
            )[:needed]
            if len(candidates) < needed:
                continue  # every chosen assessor is already on it; the list shows "needs reassignment"
            assign_assessors(application=application, assessors=candidates, actor=actor, minimum=0)
            for user in candidates:
                load[user.pk] += 1
            created += len(candidates)
    return created


def declare_conflict(*, assessment, actor, conflicted, description=""):
    """The assigned assessor declares "no conflict" or "conflict" (with a description) before scoring.
    A conflicted assessment no longer counts: the application needs reassignment."""
    if assessment.assessor_id != actor.pk:
        raise PermissionDenied("Only the assigned assessor can declare a conflict of interest.")
    description = (description or "").strip()
    if conflicted and not description:
        raise ValidationError({"description": "Describe the conflict of interest."})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("application").get(pk=assessment.pk)
        if locked.status != AssessmentStatus.ASSIGNED:
            raise ValidationError("You have already declared your interests for this application.")
        locked.status = AssessmentStatus.CONFLICTED if conflicted else AssessmentStatus.NO_CONFLICT
        locked.conflict_description = description if conflicted else ""
        locked.declared_at = timezone.now()
        locked.save(update_fields=["status", "conflict_description", "declared_at"])
        record(
            actor=actor,
            action="assessment.conflict_declared" if conflicted else "assessment.no_conflict_declared",
            obj=locked.application,
            from_state=AssessmentStatus.ASSIGNED,
            to_state=locked.status,
            comment=description,
        )
    assessment.refresh_from_db()
    return assessment


# --- Scoring ------------------------------------------------------------------------------------------


def weighted_total(scores_by_criterion, criteria):
    """Sum of score/5 × weight over the call's criteria, 0–100, to two places (Decimal)."""
    total = sum(
        (Decimal(scores_by_criterion[c.pk]) / 5 * c.weight for c in criteria if c.pk in scores_by_criterion),
        Decimal("0"),
    )
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _clean_score(value, criterion):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{criterion.name}: the score must be a whole number from 0 to 5.") from None
    if str(number) != str(value).strip() or not 0 <= number <= 5:
        raise ValidationError(f"{criterion.name}: the score must be a whole number from 0 to 5.")
    return number


def save_scores(*, assessment, actor, scores, submit=False):
    """Save the assessor's scores (``scores``: {criterion_id: (score, comment)}) as a draft, or submit
    them. Refused before a conflict declaration, for a conflicted assessor, and once submitted. Submitting
    needs a score and a comment on every criterion, stores the weighted total and locks the scores; when
    every active assessment is submitted the application moves to "scored"."""
    require(actor, Action.SCORE_APPLICATION, assessment.application, hide=False)
    if assessment.assessor_id != actor.pk:
        raise PermissionDenied("You can only score your own assessment.")
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("application__call").get(pk=assessment.pk)
        if locked.status == AssessmentStatus.ASSIGNED:
            raise ValidationError("Declare whether you have a conflict of interest before scoring.")
        if locked.status == AssessmentStatus.CONFLICTED:
            raise PermissionDenied("You declared a conflict of interest, so you cannot score this application.")
        if locked.status == AssessmentStatus.SUBMITTED:
            raise ValidationError("Your scores are submitted and locked. Ask a commissioner to reopen them.")
        application = locked.application
        if application.status != S.UNDER_ASSESSMENT:
            raise ValidationError(
                f"This application is {application.get_status_display().lower()}, so it cannot be scored."
            )
        criteria = list(application.call.criteria.all())
        errors, cleaned = [], {}
        for criterion in criteria:
            raw_score, comment = scores.get(criterion.pk, scores.get(str(criterion.pk), (None, "")))
            try:
                value = _clean_score(raw_score, criterion)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            comment = (comment or "").strip()
            if submit and value is None:
                errors.append(f"{criterion.name}: choose a score from 0 to 5.")
            if submit and not comment:
                errors.append(f"{criterion.name}: add a comment explaining the score.")
            cleaned[criterion.pk] = (value, comment)
        if errors:
            raise ValidationError(errors)
        existing = {score.criterion_id: score for score in locked.scores.all()}
        for criterion_id, (value, comment) in cleaned.items():
            if value is None:
                # A draft keeps a comment typed before a score is chosen only if a score already exists.
                if criterion_id in existing and comment:
                    Score.objects.filter(pk=existing[criterion_id].pk).update(comment=comment)
                continue
            Score.objects.update_or_create(
                assessment=locked, criterion_id=criterion_id, defaults={"score": value, "comment": comment}
            )
        if not submit:
            return locked
        values = {criterion_id: value for criterion_id, (value, _comment) in cleaned.items()}
        locked.weighted_total = weighted_total(values, criteria)
        locked.status = AssessmentStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["weighted_total", "status", "submitted_at"])
        minimum = application.call.min_criterion_score
        below = [c.name for c in criteria if values[c.pk] < minimum]
        record(
            actor=actor,
            action="assessment.submitted",
            obj=application,
            from_state=AssessmentStatus.NO_CONFLICT,
            to_state=AssessmentStatus.SUBMITTED,
            comment=f"Weighted total {locked.weighted_total}.",
            data={"assessment": locked.pk, "below_minimum": below},
        )
        still_open = application.assessments.active().exclude(status=AssessmentStatus.SUBMITTED).exists()
        if not still_open:
            change_application_status(application, S.SCORED, actor=actor, comment="All assessors have submitted.")
    assessment.refresh_from_db()
    return assessment


def reopen_assessment(*, assessment, actor, reason):
    """A commissioner unlocks submitted scores so the assessor can change them (logged). A scored
    application goes back to "under assessment"."""
    require(actor, Action.MODERATE, assessment.application, hide=False)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the scores are being reopened."})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("application").get(pk=assessment.pk)
        application = locked.application
        if locked.status != AssessmentStatus.SUBMITTED:
            raise ValidationError("Only submitted scores can be reopened.")
        if application.status not in {S.UNDER_ASSESSMENT, S.SCORED}:
            raise ValidationError(
                f"This application is {application.get_status_display().lower()}; scores can only be reopened "
                "before moderation."
            )
        locked.status = AssessmentStatus.NO_CONFLICT
        locked.submitted_at = None
        locked.weighted_total = None
        locked.save(update_fields=["status", "submitted_at", "weighted_total"])
        record(
            actor=actor,
            action="assessment.reopened",
            obj=application,
            from_state=AssessmentStatus.SUBMITTED,
            to_state=AssessmentStatus.NO_CONFLICT,
            comment=reason,
            data={"assessment": locked.pk},
        )
        if application.status == S.SCORED:
            change_application_status(
                application, S.UNDER_ASSESSMENT, actor=actor, comment=f"Scores reopened: {reason}"
            )
    assessment.refresh_from_db()
    return assessment


# --- Moderation ---------------------------------------------------------------------------------------


def moderate(*, application, actor, scores):
    """Record the panel's score and rationale for every criterion (``scores``: {criterion_id: (score,
    rationale)}). A scored application moves to "moderated"; a moderated one is updated (audited)."""
    require(actor, Action.MODERATE, application, hide=False)
    with transaction.atomic():
        locked = _locked(application)
        if locked.status not in {S.SCORED, S.MODERATED}:
            raise ValidationError(
                f"Only scored applications can be moderated; this one is {locked.get_status_display().lower()}."
            )
        criteria = list(locked.call.criteria.all())
        errors, cleaned = [], {}
        for criterion in criteria:
            raw_score, rationale = scores.get(criterion.pk, scores.get(str(criterion.pk), (None, "")))
            try:
                value = _clean_score(raw_score, criterion)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if value is None:
                errors.append(f"{criterion.name}: choose a moderated score from 0 to 5.")
            if not (rationale or "").strip():
                errors.append(f"{criterion.name}: give the panel's rationale.")
            cleaned[criterion.pk] = (value, (rationale or "").strip())
        if errors:
            raise ValidationError(errors)
        for criterion_id, (value, rationale) in cleaned.items():
            ModeratedScore.objects.update_or_create(
                application=locked,
                criterion_id=criterion_id,
                defaults={"score": value, "rationale": rationale, "moderated_by": actor},
            )
        total = weighted_total({k: v for k, (v, _r) in cleaned.items()}, criteria)
        if locked.status == S.SCORED:
            change_application_status(locked, S.MODERATED, actor=actor, comment=f"Moderated total {total}.")
        else:
            record(actor=actor, action="moderation.updated", obj=locked, comment=f"Moderated total {total}.")
    application.refresh_from_db()
    return application


# --- Decisions ----------------------------------------------------------------------------------------

_OUTCOME_STATUS = {
    DecisionOutcome.APPROVE: S.APPROVED,
    DecisionOutcome.REJECT: S.REJECTED,
    DecisionOutcome.RESERVE: S.RESERVE,
}


def record_decision(*, application, actor, outcome, feedback, approved_amount=None, reduction_reason=""):
    """Record (not yet release) a decision: approve at the requested or a reduced amount (a reduction
    needs a reason; the amount must be above zero and no more than requested), reject, or reserve.
    Written feedback is required. The application moves to approved/rejected/reserve."""
    require(actor, Action.DECIDE, application, hide=False)
    if outcome not in _OUTCOME_STATUS:
        raise ValidationError({"outcome": "Choose approve, reject or reserve list."})
    feedback = (feedback or "").strip()
    reduction_reason = (reduction_reason or "").strip()
    errors = {}
    if not feedback:
        errors["feedback"] = "Write the feedback the provider will see."
    with transaction.atomic():
        locked = _locked(application)
        requested = locked.total_requested
        amount = None
        if outcome == DecisionOutcome.APPROVE:
            try:
                amount = requested if approved_amount in (None, "") else Decimal(str(approved_amount)).quantize(CENT)
            except InvalidOperation:
                raise ValidationError({"approved_amount": "Enter the approved amount as a number of pounds."}) from None
            if amount <= 0:
                errors["approved_amount"] = "The approved amount must be more than £0."
            elif amount > requested:
                errors["approved_amount"] = (
                    f"The approved amount cannot be more than the {formats.money(requested)} requested."
                )
            elif amount < requested and not reduction_reason:
                errors["reduction_reason"] = (
                    f"Give a reason for approving less than the {formats.money(requested)} requested."
                )
        if errors:
            raise ValidationError(errors)
        existing = Decision.objects.filter(application=locked).first()
        if existing and existing.released_at and locked.status != S.RESERVE:
            raise ValidationError("This decision has been released to the provider and cannot be changed.")
        change_application_status(
            locked,
            _OUTCOME_STATUS[outcome],
            actor=actor,
            comment=f"Approved {formats.money(amount)}." if amount is not None else feedback[:200],
        )
        Decision.objects.update_or_create(
            application=locked,
            defaults={
                "outcome": outcome,
                "approved_amount": amount,
                "reduction_reason": reduction_reason if amount is not None and amount < requested else "",
                "feedback": feedback,
                "decided_by": actor,
                "decided_at": timezone.now(),
                "released_at": None,
                "released_by": None,
            },
        )
    application.refresh_from_db()
    return application.decision


def release_decisions(*, call, actor):
    """Release every recorded, unreleased decision on ``call``: set ``released_at`` (providers see only
    released decisions) and email each provider organisation's approved members. Returns the count."""
    require(actor, Action.RELEASE_DECISIONS)
    released = 0
    with transaction.atomic():
        decisions = list(
            Decision.objects.select_for_update(of=("self",))
            .filter(application__call=call, released_at__isnull=True)
            .select_related("application__organisation", "application__call")
        )
        now = timezone.now()
        for decision in decisions:
            decision.released_at = now
            decision.released_by = actor
            decision.save(update_fields=["released_at", "released_by"])
            application = decision.application
            record(
                actor=actor,
                action="decision.released",
                obj=application,
                to_state=application.status,
                comment=decision.get_outcome_display(),
            )
            recipients = list(
                User.objects.filter(
                    memberships__organisation=application.organisation_id,
                    memberships__status=MembershipStatus.APPROVED,
                    is_active=True,
                ).values_list("email", flat=True)
            )
            send_templated_email(
                to=recipients,
                subject=f"Decision on your application {application.reference}",
                template="emails/decision.txt",
                context={"application": application, "decision": decision},
            )
            released += 1
    return released


def needs_reassignment(application):
    """True when an application in assessment has fewer than two assessors without a conflict."""
    return (
        application.status in ASSIGNABLE
        and application.assessments.filter(~Q(status=AssessmentStatus.CONFLICTED)).count() < MIN_ASSESSORS
    )
