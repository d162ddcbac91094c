"""Staff screens in the Wagtail admin: making awards, varying and closing them, reviewing returns,
approving and recording payments. Views validate, call one service and redirect."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from commissioning.models import Application, ApplicationStatus, DecisionOutcome
from commissioning.permissions import require
from commissioning.roles import Action

from ..forms import AwardForm, CloseAwardForm, RecordPaymentForm, ReviewForm, VariationForm
from ..models import ALLOCATION_FIELDS, Award, IndicatorResult, Payment, PaymentStatus, QuarterlyReturn, ReturnStatus
from ..models.returns import OPEN_RETURN_STATUSES
from ..services import awards as award_services
from ..services import payments as payment_services
from ..services import returns as return_services


def _add_errors(form, exc):
    for message in exc.messages:
        form.add_error(None, message)


def applications_ready_to_award():
    return (
        Application.objects.filter(
            status=ApplicationStatus.APPROVED, decision__outcome=DecisionOutcome.APPROVE, award__isnull=True
        )
        .select_related("organisation", "call", "decision")
        .order_by("call__reference", "reference")
    )


def award_index(request):
    require(request.user, Action.MANAGE_AWARDS)
    status = request.GET.get("status", "")
    awards = Award.objects.select_related("organisation", "call").order_by("-offered_at", "reference")
    if status:
        awards = awards.filter(status=status)
    return render(
        request,
        "outcomes/admin/award_index.html",
        {
            "awards": awards,
            "ready": applications_ready_to_award(),
            "status": status,
        },
    )


def award_create(request, application_id):
    require(request.user, Action.MANAGE_AWARDS)
    application = get_object_or_404(applications_ready_to_award().prefetch_related("themes"), pk=application_id)
    start_date = timezone.localdate().replace(day=1)
    end_date = award_services.add_months(start_date, application.call.max_project_months) - dt.timedelta(days=1)
    allocation = award_services.default_allocation([theme.slug for theme in application.themes.all()])
    if request.method == "POST":
        # Targets are pre-filled for the quarters of the dates being submitted.
        try:
            start_date = dt.date.fromisoformat(request.POST.get("start_date", ""))
            end_date = dt.date.fromisoformat(request.POST.get("end_date", ""))
        except ValueError:
            pass
    defaults = award_services.default_targets(application, start_date, end_date)
    from commissioning.models import Indicator

    indicators = Indicator.objects.in_bulk({key[0] for key in defaults})
    target_rows = [((indicators[key[0]], key[1], key[2]), value) for key, value in sorted(defaults.items())]
    initial = {"amount": application.decision.approved_amount, "start_date": start_date, "end_date": end_date}
    form = AwardForm(request.POST or None, initial=initial, allocation_bp=allocation, target_rows=target_rows)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["allocation"] is not None:
        data = form.cleaned_data
        try:
            award = award_services.create_award(
                application=application,
                actor=request.user,
                amount=data["amount"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                allocation=data["allocation"],
                targets={**defaults, **form.targets()},
                conditions=data["conditions"],
                payment_basis=data["payment_basis"],
                advance_reason=data["advance_reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Award {award.reference} offered to {award.organisation}.")
            return redirect("outcomes_admin:award", pk=award.pk)
    return render(request, "outcomes/admin/award_form.html", {"form": form, "application": application})


def award_detail(request, pk):
    require(request.user, Action.MANAGE_AWARDS)
    award = get_object_or_404(
        Award.objects.select_related("organisation", "call", "accepted_by", "offered_by").prefetch_related(
            Prefetch("payments", queryset=Payment.objects.select_related("quarterly_return").order_by("sequence")),
            Prefetch("returns", queryset=QuarterlyReturn.objects.order_by("financial_year", "quarter")),
            "variations__approved_by",
        ),
        pk=pk,
    )
    from commissioning.models import Theme

    names = dict(Theme.objects.values_list("slug", "short_name"))
    allocation = [(names.get(slug, slug), getattr(award, field) / 100) for slug, field in ALLOCATION_FIELDS.items()]
    return render(
        request,
        "outcomes/admin/award_detail.html",
        {
            "award": award,
            "allocation": allocation,
            "record_form": RecordPaymentForm(),
            "targets": award.targets.select_related("indicator"),
        },
    )


def award_vary(request, pk):
    require(request.user, Action.MANAGE_AWARDS)
    award = get_object_or_404(Award, pk=pk)
    form = VariationForm(request.POST or None, award=award)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["allocation"] is not None:
        data = form.cleaned_data
        try:
            award_services.vary_award(
                award=award,
                actor=request.user,
                reason=data["reason"],
                amount=data["amount"],
                end_date=data["end_date"],
                allocation=data["allocation"],
                targets=form.targets(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Variation recorded; the payment schedule and returns have been adjusted.")
            return redirect("outcomes_admin:award", pk=award.pk)
    return render(
        request,
        "outcomes/admin/simple_form.html",
        {
            "form": form,
            "award": award,
            "title": f"Vary award {award.reference}",
            "submit": "Record the variation",
        },
    )


def award_close(request, pk):
    require(request.user, Action.MANAGE_AWARDS)
    award = get_object_or_404(Award, pk=pk)
    form = CloseAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award_services.close_award(
                award=award,
                actor=request.user,
                final_spend=data["final_spend"],
                clawback_amount=data["clawback_amount"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Award {award.reference} closed.")
            return redirect("outcomes_admin:award", pk=award.pk)
    return render(
        request,
        "outcomes/admin/simple_form.html",
        {
            "form": form,
            "award": award,
            "title": f"Close award {award.reference}",
            "submit": "Close the award",
        },
    )


def return_index(request):
    require(request.user, Action.REVIEW_RETURNS)
    today = timezone.localdate()
    base = QuarterlyReturn.objects.select_related("award", "award__organisation").filter(award__status="active")
    return render(
        request,
        "outcomes/admin/return_index.html",
        {
            "to_review": base.filter(status=ReturnStatus.SUBMITTED).order_by("submitted_at"),
            "overdue": base.filter(status__in=OPEN_RETURN_STATUSES, due_date__lt=today).order_by("due_date"),
            "today": today,
        },
    )


def return_review(request, pk):
    require(request.user, Action.REVIEW_RETURNS)
    quarterly_return = get_object_or_404(QuarterlyReturn.objects.select_related("award", "award__organisation"), pk=pk)
    award = quarterly_return.award
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                return_services.approve_return(
                    quarterly_return=quarterly_return, actor=request.user, comments=form.cleaned_data["comments"]
                )
                messages.success(request, "Return approved; its payment is approved for payment.")
            else:
                return_services.request_return_changes(
                    quarterly_return=quarterly_return, actor=request.user, comments=form.cleaned_data["comments"]
                )
                messages.success(request, "Changes requested; the provider has been emailed.")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("outcomes_admin:returns")
    # Targets and actuals for every quarter, so this return is seen beside the earlier ones.
    returns = list(award.returns.order_by("financial_year", "quarter"))
    results = {
        (r.quarterly_return_id, r.indicator_id): r.actual
        for r in IndicatorResult.objects.filter(quarterly_return__award=award)
    }
    targets = {(t.indicator_id, t.financial_year, t.quarter): t.target for t in award.targets.all()}
    rows = []
    for indicator, _ in return_services.return_indicators(quarterly_return):
        cells = [
            (r, targets.get((indicator.pk, r.financial_year, r.quarter)), results.get((r.pk, indicator.pk)))
            for r in returns
        ]
        rows.append((indicator, cells))
    return render(
        request,
        "outcomes/admin/return_review.html",
        {
            "quarterly_return": quarterly_return,
            "award": award,
            "form": form,
            "returns": returns,
            "rows": rows,
            "spend": quarterly_return.spend_lines.select_related("budget_line"),
            "rounds": quarterly_return.rounds.select_related("submitted_by", "reviewed_by"),
        },
    )


def payment_index(request, refused=None):
    """``refused`` is a record-payment form that failed: its payment's row shows what was typed and why."""
    require(request.user, Action.APPROVE_PAYMENTS)
    base = Payment.objects.select_related("award", "award__organisation", "quarterly_return").filter(
        award__status="active"
    )
    return render(
        request,
        "outcomes/admin/payment_index.html",
        {
            "to_approve": base.filter(status=PaymentStatus.SCHEDULED, quarterly_return__isnull=True).order_by(
                "due_date"
            ),
            "to_record": base.filter(status=PaymentStatus.APPROVED).order_by("due_date"),
            "held": base.filter(status=PaymentStatus.HELD).order_by("due_date"),
            "refused": refused,
        },
    )


@require_POST
def payment_approve(request, pk):
    # Refuse before anything else, so a person without the power learns nothing (not even a message).
    require(request.user, Action.APPROVE_PAYMENTS)
    payment = get_object_or_404(Payment, pk=pk)
    try:
        payment_services.approve_payment(payment=payment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Payment {payment} approved.")
    # Only back to a page of this site: never an open redirect.
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "outcomes_admin:payments"
    return redirect(target)


@require_POST
def payment_record(request, pk):
    require(request.user, Action.RECORD_PAYMENTS)
    payment = get_object_or_404(Payment, pk=pk)
    form = RecordPaymentForm(request.POST, payment=payment)
    if form.is_valid():
        try:
            payment_services.record_payment(
                payment=payment,
                actor=request.user,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Payment {payment} recorded as paid.")
            return redirect("outcomes_admin:payments")
    # Refused: the list again, with this payment's row keeping what was typed and saying what to fix.
    form.payment_id = payment.pk
    return payment_index(request, refused=form)
