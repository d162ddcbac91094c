"""Quarterly return transitions: not started -> draft -> submitted -> approved, or changes requested
-> (edited) -> submitted again. Every submission and review is kept as a ReturnRound."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning.audit import record
from commissioning.fiscal import FinancialQuarter
from commissioning.models import BudgetLine
from commissioning.notifications import send_templated_email
from commissioning.roles import Action

from ..models import (
    AwardStatus,
    IndicatorResult,
    PaymentStatus,
    QuarterlyReturn,
    ReturnRound,
    ReturnSpend,
    ReturnStatus,
)
from . import payments as payment_services
from .common import TransitionError, check

EDITABLE = (ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED)
TEXT_FIELDS = ("progress_narrative", "challenges_and_risks", "case_study")


def return_indicators(quarterly_return):
    """The indicators this return reports on (those the award has targets for), with this quarter's
    target or None, in display order: [(indicator, target)]."""
    award = quarterly_return.award
    targets = list(award.targets.select_related("indicator").order_by("indicator__display_order", "indicator_id"))
    by_indicator = {}
    for target in targets:
        by_indicator.setdefault(target.indicator_id, [target.indicator, None])
        if (target.financial_year, target.quarter) == (quarterly_return.financial_year, quarterly_return.quarter):
            by_indicator[target.indicator_id][1] = target.target
    return [tuple(pair) for pair in by_indicator.values()]


def return_budget_lines(quarterly_return):
    """The application's budget lines for the return's financial year."""
    application_id = quarterly_return.award.application_id
    if application_id is None:
        return []
    return list(
        BudgetLine.objects.filter(
            application_id=application_id, financial_year=quarterly_return.financial_year
        ).order_by("pk")
    )


def quarter_has_ended(quarterly_return, today=None) -> bool:
    today = today or timezone.localdate()
    return FinancialQuarter(quarterly_return.financial_year, quarterly_return.quarter).end < today


def _locked(quarterly_return):
    return QuarterlyReturn.objects.select_for_update().select_related("award").get(pk=quarterly_return.pk)


def _refuse_unless_reporting(award):
    if award.status == AwardStatus.CLOSED:
        raise TransitionError("This award is closed, so it accepts no more returns.", code="award_closed")
    if award.status != AwardStatus.ACTIVE:
        raise TransitionError("Returns open once the grant agreement has been accepted.", code="award_not_active")


def save_return_draft(*, quarterly_return, actor, results=None, spend=None, fields=None):
    """Save what the provider has entered so far (-> draft; a return sent back stays 'changes
    requested' while it is edited). ``results`` {indicator id: Decimal or None}, ``spend`` {budget line
    id: Decimal or None}, ``fields`` {model field: value}. None clears a figure; keys not given are kept."""
    check(actor, Action.SUBMIT_RETURN, quarterly_return)
    results, spend, fields = results or {}, spend or {}, fields or {}
    with transaction.atomic():
        locked = _locked(quarterly_return)
        _refuse_unless_reporting(locked.award)
        if locked.status not in EDITABLE:
            raise TransitionError(
                f"This return is {locked.get_status_display().lower()}, so it cannot be changed.",
                code="invalid_transition",
            )
        allowed_indicators = {indicator.pk for indicator, _ in return_indicators(locked)}
        allowed_lines = {line.pk for line in return_budget_lines(locked)}
        for indicator_id, value in results.items():
            if indicator_id not in allowed_indicators:
                continue
            if value is None:
                IndicatorResult.objects.filter(quarterly_return=locked, indicator_id=indicator_id).delete()
            else:
                IndicatorResult.objects.update_or_create(
                    quarterly_return=locked, indicator_id=indicator_id, defaults={"actual": value}
                )
        for line_id, value in spend.items():
            if line_id not in allowed_lines:
                continue
            if value is None:
                ReturnSpend.objects.filter(quarterly_return=locked, budget_line_id=line_id).delete()
            else:
                ReturnSpend.objects.update_or_create(
                    quarterly_return=locked, budget_line_id=line_id, defaults={"amount": value}
                )
        for name in (*TEXT_FIELDS, "case_study_confirmed_anonymous", "safeguarding_incidents"):
            if name in fields:
                setattr(locked, name, fields[name])
        from_state = locked.status
        if locked.status == ReturnStatus.NOT_STARTED:
            locked.status = ReturnStatus.DRAFT
        locked.save()
        if from_state == ReturnStatus.NOT_STARTED:
            record(actor=actor, action="return.draft", obj=locked, from_state=from_state, to_state=ReturnStatus.DRAFT)
    return locked


def completeness_errors(quarterly_return) -> list[str]:
    """What is still missing before the return can be submitted."""
    errors = []
    results = {r.indicator_id for r in quarterly_return.results.all()}
    for indicator, _ in return_indicators(quarterly_return):
        if indicator.pk not in results:
            errors.append(f"Enter the actual figure for “{indicator.name}”.")
    spent = {s.budget_line_id for s in quarterly_return.spend_lines.all()}
    for line in return_budget_lines(quarterly_return):
        if line.pk not in spent:
            errors.append(f"Enter the spend for “{line.description}” (enter 0 if nothing was spent).")
    if not quarterly_return.progress_narrative.strip():
        errors.append("Describe your progress this quarter.")
    if not quarterly_return.challenges_and_risks.strip():
        errors.append("Describe your challenges and risks (write “None” if there were none).")
    if quarterly_return.safeguarding_incidents is None:
        errors.append("Enter the number of safeguarding incidents (enter 0 if there were none).")
    if quarterly_return.case_study.strip() and not quarterly_return.case_study_confirmed_anonymous:
        errors.append("Confirm that no one can be identified from the case study, or remove it.")
    return errors


def snapshot(quarterly_return) -> dict:
    return {
        "results": {str(r.indicator_id): str(r.actual) for r in quarterly_return.results.all()},
        "spend": {str(s.budget_line_id): str(s.amount) for s in quarterly_return.spend_lines.all()},
        "progress_narrative": quarterly_return.progress_narrative,
        "challenges_and_risks": quarterly_return.challenges_and_risks,
        "case_study": quarterly_return.case_study,
        "case_study_confirmed_anonymous": quarterly_return.case_study_confirmed_anonymous,
        "safeguarding_incidents": quarterly_return.safeguarding_incidents,
    }


def submit_return(*, quarterly_return, actor, today=None):
    """Submit a complete return for a quarter that has ended (draft or changes requested -> submitted).
    Opens a new review round holding a snapshot of what was submitted."""
    check(actor, Action.SUBMIT_RETURN, quarterly_return)
    with transaction.atomic():
        locked = _locked(quarterly_return)
        _refuse_unless_reporting(locked.award)
        if locked.status not in EDITABLE:
            raise TransitionError(
                f"This return is {locked.get_status_display().lower()}, so it cannot be submitted.",
                code="invalid_transition",
            )
        if not quarter_has_ended(locked, today):
            quarter = FinancialQuarter(locked.financial_year, locked.quarter)
            raise TransitionError(
                f"{quarter.label} ends on {quarter.end:%-d %B %Y}: you can submit this return after that.",
                code="quarter_not_ended",
            )
        errors = completeness_errors(locked)
        if errors:
            raise ValidationError(errors, code="incomplete")
        from_state = locked.status
        now = timezone.now()
        locked.status = ReturnStatus.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.save()
        number = locked.rounds.count() + 1
        ReturnRound.objects.create(
            quarterly_return=locked, number=number, submitted_at=now, submitted_by=actor, snapshot=snapshot(locked)
        )
        record(
            actor=actor,
            action="return.submitted",
            obj=locked,
            from_state=from_state,
            to_state=ReturnStatus.SUBMITTED,
            data={"round": number},
        )
    return locked


def _review(locked, actor, outcome, comments):
    current = locked.rounds.order_by("-number").first()
    current.outcome = outcome
    current.comments = comments
    current.reviewed_by = actor
    current.reviewed_at = timezone.now()
    current.save()


def approve_return(*, quarterly_return, actor, comments=""):
    """Approve a submitted return (-> approved). Its linked payment is approved for payment (a held
    payment is released)."""
    check(actor, Action.REVIEW_RETURNS)
    with transaction.atomic():
        locked = _locked(quarterly_return)
        if locked.award.status == AwardStatus.CLOSED:
            raise TransitionError("This award is closed, so it accepts no more returns.", code="award_closed")
        if locked.status != ReturnStatus.SUBMITTED:
            raise TransitionError(
                f"This return is {locked.get_status_display().lower()}: only submitted returns can be approved.",
                code="invalid_transition",
            )
        locked.status = ReturnStatus.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.save()
        _review(locked, actor, ReturnRound.Outcome.APPROVED, comments)
        record(
            actor=actor,
            action="return.approved",
            obj=locked,
            from_state=ReturnStatus.SUBMITTED,
            to_state=ReturnStatus.APPROVED,
            comment=comments,
        )
        payment = getattr(locked, "payment", None)
        if payment is not None and payment.status in (PaymentStatus.SCHEDULED, PaymentStatus.HELD):
            payment_services.approve_payment(
                payment=payment, actor=actor, comment=f"Released by the approved {locked.period_label} return"
            )
    return locked


def request_return_changes(*, quarterly_return, actor, comments):
    """Send a submitted return back to the provider with comments (-> changes requested)."""
    check(actor, Action.REVIEW_RETURNS)
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError("Say what the provider needs to change.", code="comments_required")
    with transaction.atomic():
        locked = _locked(quarterly_return)
        if locked.status != ReturnStatus.SUBMITTED:
            raise TransitionError(
                f"This return is {locked.get_status_display().lower()}: only submitted returns can be sent back.",
                code="invalid_transition",
            )
        locked.status = ReturnStatus.CHANGES_REQUESTED
        locked.save()
        _review(locked, actor, ReturnRound.Outcome.CHANGES_REQUESTED, comments)
        record(
            actor=actor,
            action="return.changes_requested",
            obj=locked,
            from_state=ReturnStatus.SUBMITTED,
            to_state=ReturnStatus.CHANGES_REQUESTED,
            comment=comments,
        )
        if locked.submitted_by_id:
            send_templated_email(
                to=locked.submitted_by.email,
                subject=f"Changes requested to your {locked.period_label} return ({locked.award.reference})",
                template="emails/return_changes_requested.txt",
                context={"quarterly_return": locked, "comments": comments},
            )
    return locked


def hold_overdue_payments(*, today=None) -> int:
    """Hold the scheduled payment of every overdue return (the daily job). Returns how many."""
    today = today or timezone.localdate()
    held = 0
    overdue = (
        QuarterlyReturn.objects.overdue(today)
        .filter(award__status=AwardStatus.ACTIVE, payment__status=PaymentStatus.SCHEDULED)
        .select_related("payment")
    )
    for quarterly_return in overdue:
        payment_services.hold_payment(
            payment=quarterly_return.payment,
            actor=None,
            reason=f"The {quarterly_return.period_label} return was due on {quarterly_return.due_date:%-d %B %Y}.",
        )
        held += 1
    return held
