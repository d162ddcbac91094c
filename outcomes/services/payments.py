"""Payment transitions: scheduled -> held/approved -> paid; cancelled when a variation or closure
removes an instalment. Each function checks role and state, runs in a transaction and audits."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from commissioning.audit import record
from commissioning.limits import paid_date_problem
from commissioning.roles import Action

from ..models import AwardStatus, Payment, PaymentStatus
from .common import TransitionError, check


def _locked(payment):
    return Payment.objects.select_for_update().select_related("award").get(pk=payment.pk)


def _refuse_if_closed(award):
    if award.status == AwardStatus.CLOSED:
        raise TransitionError("This award is closed, so it accepts no more payments.", code="award_closed")


def schedule_payment(*, award, sequence, due_date, amount, quarterly_return=None, is_advance=False, actor=None):
    """Create one scheduled instalment (called while an award is made or varied) and audit it."""
    payment = Payment.objects.create(
        award=award,
        sequence=sequence,
        due_date=due_date,
        amount=amount,
        quarterly_return=quarterly_return,
        is_advance=is_advance,
    )
    record(
        actor=actor,
        action="payment.scheduled",
        obj=payment,
        to_state=PaymentStatus.SCHEDULED,
        data={"amount": str(amount), "due_date": due_date.isoformat()},
    )
    return payment


def approve_payment(*, payment, actor, comment=""):
    """Approve an instalment for payment (scheduled or held -> approved). Approving a held payment
    releases it. Precondition: the award is active."""
    check(actor, Action.APPROVE_PAYMENTS)
    with transaction.atomic():
        locked = _locked(payment)
        _refuse_if_closed(locked.award)
        if locked.award.status != AwardStatus.ACTIVE:
            raise TransitionError("Payments can only be approved once the award has been accepted.", code="not_active")
        if locked.status not in (PaymentStatus.SCHEDULED, PaymentStatus.HELD):
            raise TransitionError(
                f"This payment is {locked.get_status_display().lower()}, so it cannot be approved.",
                code="invalid_transition",
            )
        from_state = locked.status
        locked.status = PaymentStatus.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.held_reason = ""
        locked.save(update_fields=["status", "approved_at", "approved_by", "held_reason"])
        record(
            actor=actor,
            action="payment.approved",
            obj=locked,
            from_state=from_state,
            to_state=PaymentStatus.APPROVED,
            comment=comment,
        )
    return locked


def record_payment(*, payment, actor, paid_on: dt.date, reference: str):
    """Finance records an approved instalment as paid, with the date and the payment reference."""
    check(actor, Action.RECORD_PAYMENTS)
    reference = (reference or "").strip()
    if not reference:
        raise TransitionError("Enter the payment reference.", code="reference_required")
    if paid_on is None:
        raise TransitionError("Enter the date the payment was made.", code="date_required")
    with transaction.atomic():
        locked = _locked(payment)
        _refuse_if_closed(locked.award)
        problem = paid_date_problem(paid_on, locked.award, timezone.localdate())
        if problem:
            raise TransitionError(problem, code="paid_date")
        if locked.status != PaymentStatus.APPROVED:
            raise TransitionError(
                f"This payment is {locked.get_status_display().lower()}: only approved payments can be recorded "
                "as paid.",
                code="invalid_transition",
            )
        locked.status = PaymentStatus.PAID
        locked.paid_on = paid_on
        locked.payment_reference = reference
        locked.paid_recorded_by = actor
        locked.save(update_fields=["status", "paid_on", "payment_reference", "paid_recorded_by"])
        record(
            actor=actor,
            action="payment.paid",
            obj=locked,
            from_state=PaymentStatus.APPROVED,
            to_state=PaymentStatus.PAID,
            data={"paid_on": paid_on.isoformat(), "reference": reference},
        )
    return locked


def hold_payment(*, payment, actor, reason):
    """Hold a scheduled instalment (its return is overdue). ``actor`` None means the daily job."""
    if actor is not None:
        check(actor, Action.APPROVE_PAYMENTS)
    with transaction.atomic():
        locked = _locked(payment)
        _refuse_if_closed(locked.award)
        if locked.status != PaymentStatus.SCHEDULED:
            raise TransitionError(
                f"This payment is {locked.get_status_display().lower()}, so it cannot be held.",
                code="invalid_transition",
            )
        locked.status = PaymentStatus.HELD
        locked.held_reason = reason[:300]
        locked.save(update_fields=["status", "held_reason"])
        record(
            actor=actor,
            action="payment.held",
            obj=locked,
            from_state=PaymentStatus.SCHEDULED,
            to_state=PaymentStatus.HELD,
            comment=reason,
        )
    return locked


def cancel_payment(*, payment, actor, reason):
    """Cancel an instalment nobody has approved yet (a variation shortened the award, or it closed)."""
    with transaction.atomic():
        locked = _locked(payment)
        if locked.status not in (PaymentStatus.SCHEDULED, PaymentStatus.HELD):
            raise TransitionError(
                f"This payment is {locked.get_status_display().lower()}, so it cannot be cancelled.",
                code="invalid_transition",
            )
        from_state = locked.status
        locked.status = PaymentStatus.CANCELLED
        locked.quarterly_return = None
        locked.save(update_fields=["status", "quarterly_return"])
        record(
            actor=actor,
            action="payment.cancelled",
            obj=locked,
            from_state=from_state,
            to_state=PaymentStatus.CANCELLED,
            comment=reason,
        )
    return locked
