"""Award transitions: offered (made from an approved application), accepted/declined by the provider,
varied, closed. Budget control and the schedules of returns and payments live here too."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from commissioning.audit import record
from commissioning.fiscal import FinancialQuarter, quarters_between
from commissioning.formats import govuk_date, money, percent
from commissioning.models import ApplicationStatus, Call, DecisionOutcome, IndicatorUnit, Membership, MembershipRole
from commissioning.notifications import send_templated_email
from commissioning.roles import Action
from commissioning.validators import names_match

from ..models import (
    ALLOCATION_FIELDS,
    FULL_ALLOCATION_BP,
    Award,
    AwardStatus,
    IndicatorTarget,
    PaymentBasis,
    PaymentStatus,
    QuarterlyReturn,
    ReturnStatus,
    Variation,
)
from . import payments as payment_services
from .common import PENNY, TransitionError, check, split_money


class BudgetExceeded(ValidationError):
    """Awards on a call would add up to more than its total budget."""


# ---------------------------------------------------------------------------------------------------
# Defaults offered on the create-award form


def default_allocation(theme_slugs) -> dict[str, int]:
    """An even split across ``theme_slugs`` in basis points summing to exactly 10000 (remainder on the
    last theme, in the order of ALLOCATION_FIELDS); themes not listed get 0."""
    chosen = [slug for slug in ALLOCATION_FIELDS if slug in set(theme_slugs)]
    allocation = dict.fromkeys(ALLOCATION_FIELDS, 0)
    if not chosen:
        return allocation
    share = FULL_ALLOCATION_BP // len(chosen)
    for slug in chosen:
        allocation[slug] = share
    allocation[chosen[-1]] += FULL_ALLOCATION_BP - share * len(chosen)
    return allocation


def allocation_from_percentages(percentages: dict[str, object]) -> dict[str, int]:
    """Convert {theme slug: percentage with up to 2 places} to basis points, refusing anything that is
    not a number, negative, finer than 0.01 % or not adding up to exactly 100."""
    allocation = {}
    errors = []
    for slug in ALLOCATION_FIELDS:
        raw = percentages.get(slug) or Decimal("0")
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors.append(f"The percentage for {slug} must be a number.")
            continue
        if value < 0 or value > 100:
            errors.append(f"The percentage for {slug} must be between 0 and 100.")
        elif value != value.quantize(PENNY):
            errors.append(f"The percentage for {slug} can have at most 2 decimal places.")
        allocation[slug] = int(value * 100)
    if errors:
        raise ValidationError(errors, code="allocation_invalid")
    total = sum(allocation.values())
    if total != FULL_ALLOCATION_BP:
        raise ValidationError(
            "The theme percentages must add up to exactly 100%. "
            f"They add up to {percent(Decimal(total) / 100, places=2)}.",
            code="allocation_not_100",
        )
    return allocation


def spread_target(unit: str, yearly: Decimal, quarters: int) -> list[Decimal]:
    """A year's target spread over the award's quarters in that year.

    Counts are cumulative, so they are split evenly in whole numbers with the remainder on the last
    quarter; pounds likewise to the penny. Percentages and days are rates, so every quarter keeps the
    year's figure."""
    if quarters <= 0:
        return []
    if unit == IndicatorUnit.COUNT:
        whole = int(yearly)
        share = whole // quarters
        return [Decimal(share)] * (quarters - 1) + [Decimal(whole - share * (quarters - 1))]
    if unit == IndicatorUnit.POUNDS:
        return split_money(Decimal(yearly).quantize(PENNY), quarters)
    return [Decimal(yearly)] * quarters


def default_targets(application, start_date, end_date) -> dict[tuple[int, int, int], Decimal]:
    """{(indicator id, financial year, quarter): target} from the application's proposed targets, for
    the quarters the award covers. Custom indicators (not in the library) have no Indicator row, so they
    cannot carry a target: the commissioner adopts them into the library first."""
    by_year: dict[int, list[FinancialQuarter]] = {}
    for quarter in quarters_between(start_date, end_date):
        by_year.setdefault(quarter.financial_year, []).append(quarter)
    targets = {}
    outcomes = application.proposed_outcomes.filter(indicator__isnull=False).select_related("indicator")
    for outcome in outcomes.prefetch_related("targets"):
        for proposed in outcome.targets.all():
            quarters = by_year.get(proposed.financial_year, [])
            for quarter, value in zip(quarters, spread_target(outcome.indicator.unit, proposed.target, len(quarters))):
                targets[(outcome.indicator_id, quarter.financial_year, quarter.quarter)] = value
    return targets


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


def validate_period(call, start_date, end_date):
    if start_date is None or end_date is None:
        raise ValidationError("Enter the start and end dates.", code="dates_required")
    if end_date < start_date:
        raise ValidationError("The end date must be on or after the start date.", code="end_before_start")
    if call is not None:
        latest_end = add_months(start_date, call.max_project_months) - dt.timedelta(days=1)
        if end_date > latest_end:
            raise ValidationError(
                f"This call funds projects of up to {call.max_project_months} months: the end date must be on or "
                f"before {govuk_date(latest_end)}.",
                code="too_long",
            )


# ---------------------------------------------------------------------------------------------------
# Budget control


def check_budget(*, call_id, amount: Decimal, excluding_award_id=None):
    """Lock the call row, then refuse unless committed awards plus ``amount`` fit its total budget.
    Must run inside a transaction: the lock makes concurrent awards on the same call queue up, so the
    second one sees the first one's award when it sums."""
    call = Call.objects.select_for_update().get(pk=call_id)
    committed = Award.objects.committed().filter(call_id=call_id)
    if excluding_award_id is not None:
        committed = committed.exclude(pk=excluding_award_id)
    already = committed.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    if already + amount > call.total_budget:
        remaining = call.total_budget - already
        raise BudgetExceeded(
            f"This would take {call.reference} over its budget of {money(call.total_budget)}: {money(already)} is "
            f"already committed, leaving {money(remaining)}, and this award needs {money(amount)}.",
            code="over_budget",
        )
    return call


# ---------------------------------------------------------------------------------------------------
# Schedules of returns and payments


def return_due_date(quarter: FinancialQuarter) -> dt.date:
    return quarter.end + dt.timedelta(days=settings.RETURN_DUE_DAYS)


def _sync_returns(award, actor):
    """One return per financial quarter the award overlaps (partial quarters included). Returns beyond a
    shortened end date are removed if nothing has been submitted for them."""
    wanted = {(q.financial_year, q.quarter): q for q in quarters_between(award.start_date, award.end_date)}
    existing = {(r.financial_year, r.quarter): r for r in award.returns.all()}
    for key, quarterly_return in existing.items():
        if key in wanted:
            continue
        if quarterly_return.status in (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED):
            raise TransitionError(
                f"The {quarterly_return.period_label} return has been submitted, so the award cannot end before "
                "that quarter.",
                code="return_in_use",
            )
        payment = getattr(quarterly_return, "payment", None)
        if payment is not None:
            if payment.status in (PaymentStatus.APPROVED, PaymentStatus.PAID):
                raise TransitionError(
                    f"The payment linked to the {quarterly_return.period_label} return is already "
                    f"{payment.get_status_display().lower()}.",
                    code="payment_in_use",
                )
            payment_services.cancel_payment(payment=payment, actor=actor, reason="Award period shortened")
        record(actor=actor, action="return.removed", obj=award, comment=quarterly_return.period_label)
        quarterly_return.delete()
    for key, quarter in wanted.items():
        period_start, period_end = max(quarter.start, award.start_date), min(quarter.end, award.end_date)
        if key in existing:
            current = existing[key]
            if (current.period_start, current.period_end) != (period_start, period_end):
                current.period_start, current.period_end = period_start, period_end
                current.save(update_fields=["period_start", "period_end", "updated_at"])
            continue
        QuarterlyReturn.objects.create(
            award=award,
            financial_year=quarter.financial_year,
            quarter=quarter.quarter,
            period_start=period_start,
            period_end=period_end,
            due_date=return_due_date(quarter),
        )
    for target in award.targets.all():
        if (target.financial_year, target.quarter) not in wanted:
            target.delete()
    return sorted(award.returns.all(), key=lambda r: (r.financial_year, r.quarter))


def _sync_payments(award, returns, actor):
    """Make the instalments match the returns and the amount.

    In arrears each return releases its own quarter's payment (due with the return). In advance the
    first payment is due at the start and is approved once the award is accepted, and each return
    releases the next quarter's payment. Payments already approved or paid are fixed; the rest of the
    award is split equally over the unpaid ones, to the penny, with the remainder on the last."""
    if award.payment_basis == PaymentBasis.ARREARS:
        plan = [(r, r.due_date) for r in returns]
    else:
        plan = [(None, award.start_date)] + [
            (r, max(award.start_date, FinancialQuarter(nxt.financial_year, nxt.quarter).start))
            for r, nxt in zip(returns, returns[1:])
        ]
    live = list(award.payments.exclude(status=PaymentStatus.CANCELLED).order_by("sequence"))
    wanted_links = {r.pk if r is not None else None for r, _ in plan}
    for payment in live:
        if payment.quarterly_return_id not in wanted_links and payment.status in (
            PaymentStatus.SCHEDULED,
            PaymentStatus.HELD,
        ):
            payment_services.cancel_payment(payment=payment, actor=actor, reason="Payment schedule changed")
    live = list(award.payments.exclude(status=PaymentStatus.CANCELLED).order_by("sequence"))
    linked = {payment.quarterly_return_id for payment in live}
    next_sequence = max((p.sequence for p in award.payments.all()), default=0) + 1
    for quarterly_return, due_date in plan:
        key = quarterly_return.pk if quarterly_return is not None else None
        if key in linked:
            continue
        live.append(
            payment_services.schedule_payment(
                award=award,
                sequence=next_sequence,
                due_date=due_date,
                amount=Decimal("0.00"),
                quarterly_return=quarterly_return,
                is_advance=award.payment_basis == PaymentBasis.ADVANCE,
                actor=actor,
            )
        )
        next_sequence += 1
    fixed = sum((p.amount for p in live if p.status in (PaymentStatus.APPROVED, PaymentStatus.PAID)), Decimal("0"))
    adjustable = sorted(
        (p for p in live if p.status in (PaymentStatus.SCHEDULED, PaymentStatus.HELD)), key=lambda p: p.due_date
    )
    remaining = award.amount - fixed
    if remaining < 0:
        raise TransitionError(
            f"{money(fixed)} has already been approved or paid, so the award cannot be less than that.",
            code="below_paid",
        )
    if not adjustable and remaining != 0:
        raise TransitionError(
            "Every instalment has been approved or paid, so the amount cannot change.", code="no_instalments"
        )
    for payment, amount in zip(adjustable, split_money(remaining, len(adjustable))):
        if payment.amount != amount:
            payment.amount = amount
            payment.save(update_fields=["amount"])


def _set_targets(award, targets: dict[tuple[int, int, int], Decimal]):
    for (indicator_id, financial_year, quarter), value in targets.items():
        IndicatorTarget.objects.update_or_create(
            award=award,
            indicator_id=indicator_id,
            financial_year=financial_year,
            quarter=quarter,
            defaults={"target": value},
        )


def _org_admin_emails(organisation):
    return list(
        Membership.objects.approved()
        .filter(organisation=organisation, role=MembershipRole.ORG_ADMIN)
        .values_list("user__email", flat=True)
    )


# ---------------------------------------------------------------------------------------------------
# Transitions


def create_award(
    *,
    application,
    actor,
    amount: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    allocation: dict[str, int],
    targets: dict[tuple[int, int, int], Decimal] | None = None,
    conditions: str = "",
    payment_basis: str = PaymentBasis.ARREARS,
    advance_reason: str = "",
):
    """Offer an award from an approved application (-> offered). Locks the call and refuses anything
    over its budget; schedules a return per quarter and the payments; emails the org admins.
    ``targets`` defaults to the application's proposed targets spread over the quarters."""
    check(actor, Action.MANAGE_AWARDS)
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(PENNY):
        raise ValidationError("Enter an amount in pounds and pence, more than £0.", code="amount_invalid")
    if payment_basis == PaymentBasis.ADVANCE and not advance_reason.strip():
        raise ValidationError("Give the reason for paying in advance.", code="advance_reason_required")
    if sorted(allocation) != sorted(ALLOCATION_FIELDS) or sum(allocation.values()) != FULL_ALLOCATION_BP:
        raise ValidationError("The theme allocation must add up to exactly 100%.", code="allocation_not_100")
    validate_period(application.call, start_date, end_date)
    with transaction.atomic():
        check_budget(call_id=application.call_id, amount=amount)
        from commissioning.models import Application

        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.APPROVED:
            raise TransitionError("Only approved applications can be awarded.", code="not_approved")
        decision = getattr(locked, "decision", None)
        if decision is None or decision.outcome != DecisionOutcome.APPROVE:
            raise TransitionError("This application has no decision to approve it.", code="no_decision")
        if Award.objects.filter(application=locked).exists():
            raise TransitionError("This application already has an award.", code="already_awarded")
        award = Award.objects.create(
            reference=locked.reference,
            application=locked,
            call_id=locked.call_id,
            organisation_id=locked.organisation_id,
            title=locked.project_title,
            description=locked.summary,
            amount=amount,
            amount_applied_for=locked.total_requested,
            start_date=start_date,
            end_date=end_date,
            conditions=conditions,
            payment_basis=payment_basis,
            advance_reason=advance_reason if payment_basis == PaymentBasis.ADVANCE else "",
            offered_at=timezone.now(),
            offered_by=actor,
            **{ALLOCATION_FIELDS[slug]: bp for slug, bp in allocation.items()},
        )
        returns = _sync_returns(award, actor)
        _set_targets(award, default_targets(locked, start_date, end_date) if targets is None else targets)
        _sync_payments(award, returns, actor)
        record(
            actor=actor,
            action="award.offered",
            obj=award,
            to_state=AwardStatus.OFFERED,
            data={"amount": str(amount), "call": locked.call.reference},
        )
        send_templated_email(
            to=_org_admin_emails(award.organisation),
            subject=f"Grant offer {award.reference}: please accept or decline",
            template="emails/award_offered.txt",
            context={"award": award},
        )
    return award


def _locked_award(award):
    return Award.objects.select_for_update().get(pk=award.pk)


def accept_award(*, award, actor, typed_name: str, ip_address: str | None = None):
    """The organisation's admin accepts the grant agreement by typing their own name, as on their account
    (ignoring case, spacing and Unicode form) -> active. Who, when and from which IP address are kept."""
    check(actor, Action.ACCEPT_AWARD, award)
    typed_name = (typed_name or "").strip()
    if len(typed_name) < 2:
        raise ValidationError("Type your full name to accept the grant agreement.", code="name_required")
    if not names_match(typed_name, actor.get_full_name()):
        raise ValidationError(
            f"The name you typed is not the name on your account ({actor.get_full_name() or 'no name'}). Type your "
            "own full name as it appears on your account: only you can accept on your organisation's behalf.",
            code="name_mismatch",
        )
    with transaction.atomic():
        locked = _locked_award(award)
        if locked.status != AwardStatus.OFFERED:
            raise TransitionError(
                f"This award is {locked.get_status_display().lower()}, so it cannot be accepted.",
                code="invalid_transition",
            )
        locked.status = AwardStatus.ACTIVE
        locked.accepted_at = timezone.now()
        locked.accepted_by = actor
        locked.accepted_name = typed_name
        locked.accepted_ip = ip_address or None
        locked.save(
            update_fields=["status", "accepted_at", "accepted_by", "accepted_name", "accepted_ip", "updated_at"]
        )
        record(
            actor=actor,
            action="award.accepted",
            obj=locked,
            from_state=AwardStatus.OFFERED,
            to_state=AwardStatus.ACTIVE,
            data={"typed_name": typed_name, "ip_address": ip_address or ""},
        )
        record(
            actor=actor, action="award.active", obj=locked, from_state=AwardStatus.OFFERED, to_state=AwardStatus.ACTIVE
        )
    return locked


def decline_award(*, award, actor, reason: str):
    """The organisation's admin declines the offer; the money returns to the call's budget."""
    check(actor, Action.ACCEPT_AWARD, award)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Tell us why you are declining the offer.", code="reason_required")
    with transaction.atomic():
        locked = _locked_award(award)
        if locked.status != AwardStatus.OFFERED:
            raise TransitionError(
                f"This award is {locked.get_status_display().lower()}, so it cannot be declined.",
                code="invalid_transition",
            )
        locked.status = AwardStatus.DECLINED
        locked.declined_at = timezone.now()
        locked.declined_reason = reason
        locked.save(update_fields=["status", "declined_at", "declined_reason", "updated_at"])
        for payment in locked.payments.filter(status__in=[PaymentStatus.SCHEDULED, PaymentStatus.HELD]):
            payment_services.cancel_payment(payment=payment, actor=actor, reason="Offer declined")
        record(
            actor=actor,
            action="award.declined",
            obj=locked,
            from_state=AwardStatus.OFFERED,
            to_state=AwardStatus.DECLINED,
            comment=reason,
        )
    return locked


def vary_award(
    *,
    award,
    actor,
    reason: str,
    amount: Decimal | None = None,
    end_date: dt.date | None = None,
    allocation: dict[str, int] | None = None,
    targets: dict[tuple[int, int, int], Decimal] | None = None,
):
    """Vary an offered or active award's amount, end date, allocation or targets, with a reason.
    Records before/after in a Variation, re-checks the budget for increases, and adjusts the unpaid
    payments and future returns."""
    check(actor, Action.MANAGE_AWARDS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for the variation.", code="reason_required")
    with transaction.atomic():
        locked = _locked_award(award)
        if locked.status not in (AwardStatus.OFFERED, AwardStatus.ACTIVE):
            raise TransitionError(
                f"This award is {locked.get_status_display().lower()}, so it cannot be varied.",
                code="invalid_transition",
            )
        changes = {}
        if amount is not None and Decimal(amount) != locked.amount:
            amount = Decimal(amount)
            if amount <= 0 or amount != amount.quantize(PENNY):
                raise ValidationError("Enter an amount in pounds and pence, more than £0.", code="amount_invalid")
            if amount > locked.amount and locked.call_id:
                check_budget(call_id=locked.call_id, amount=amount, excluding_award_id=locked.pk)
            changes["amount"] = [str(locked.amount), str(amount)]
            locked.amount = amount
        if end_date is not None and end_date != locked.end_date:
            validate_period(locked.call, locked.start_date, end_date)
            changes["end_date"] = [locked.end_date.isoformat(), end_date.isoformat()]
            locked.end_date = end_date
        if allocation is not None:
            if sorted(allocation) != sorted(ALLOCATION_FIELDS) or sum(allocation.values()) != FULL_ALLOCATION_BP:
                raise ValidationError("The theme allocation must add up to exactly 100%.", code="allocation_not_100")
            before = {slug: getattr(locked, field) for slug, field in ALLOCATION_FIELDS.items()}
            if before != allocation:
                changes["allocation_bp"] = [before, allocation]
                for slug, field in ALLOCATION_FIELDS.items():
                    setattr(locked, field, allocation[slug])
        if targets:
            current = {(t.indicator_id, t.financial_year, t.quarter): t.target for t in locked.targets.all()}
            changed = {key: value for key, value in targets.items() if current.get(key) != value}
            if changed:
                changes["targets"] = [
                    {"{}/{}/Q{}".format(*key): str(current[key]) if key in current else None for key in changed},
                    {"{}/{}/Q{}".format(*key): str(value) for key, value in changed.items()},
                ]
        if not changes:
            raise ValidationError(
                "Nothing has changed: enter a new amount, end date, allocation or target.", code="no_change"
            )
        locked.save()
        if targets:
            _set_targets(locked, targets)
        returns = _sync_returns(locked, actor)
        if "end_date" in changes and locked.application_id:
            # Quarters added by a longer period get the application's proposed targets, like the originals.
            existing = set(locked.targets.values_list("indicator_id", "financial_year", "quarter"))
            defaults = default_targets(locked.application, locked.start_date, locked.end_date)
            _set_targets(locked, {key: value for key, value in defaults.items() if key not in existing})
        _sync_payments(locked, returns, actor)
        variation = Variation.objects.create(award=locked, reason=reason, changes=changes, approved_by=actor)
        record(
            actor=actor,
            action="award.varied",
            obj=locked,
            from_state=locked.status,
            to_state=locked.status,
            comment=reason,
            data=changes,
        )
    return variation


def close_award(*, award, actor, final_spend: Decimal, clawback_amount: Decimal, notes: str = ""):
    """Close an active award after its final return is approved: record the final spend and any
    underspend to be repaid. Unreleased instalments are cancelled; nothing further can be paid."""
    check(actor, Action.MANAGE_AWARDS)
    if final_spend is None or final_spend < 0:
        raise ValidationError("Enter the final spend: £0 or more.", code="final_spend_invalid")
    if clawback_amount is None or clawback_amount < 0:
        raise ValidationError("Enter the amount to be repaid: £0 or more.", code="clawback_invalid")
    with transaction.atomic():
        locked = _locked_award(award)
        if locked.status != AwardStatus.ACTIVE:
            raise TransitionError(
                f"This award is {locked.get_status_display().lower()}, so it cannot be closed.",
                code="invalid_transition",
            )
        final_return = locked.returns.order_by("-financial_year", "-quarter").first()
        if final_return is None or final_return.status != ReturnStatus.APPROVED:
            raise TransitionError(
                "The final quarterly return must be approved before the award is closed.",
                code="final_return_not_approved",
            )
        if locked.payments.filter(status=PaymentStatus.APPROVED).exists():
            raise TransitionError(
                "Record the approved payments as paid before closing the award.", code="payments_outstanding"
            )
        for payment in locked.payments.filter(status__in=[PaymentStatus.SCHEDULED, PaymentStatus.HELD]):
            payment_services.cancel_payment(payment=payment, actor=actor, reason="Award closed")
        locked.status = AwardStatus.CLOSED
        locked.final_spend = final_spend
        locked.clawback_amount = clawback_amount
        locked.closure_notes = notes
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save()
        record(
            actor=actor,
            action="award.closed",
            obj=locked,
            from_state=AwardStatus.ACTIVE,
            to_state=AwardStatus.CLOSED,
            data={"final_spend": str(final_spend), "clawback_amount": str(clawback_amount)},
            comment=notes,
        )
    return locked
