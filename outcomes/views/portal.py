"""Provider portal: grant offers and agreements, quarterly returns (web form and Excel). Thin views:
scope to the user's organisations, validate, call one service, render or redirect."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning.govuk_forms import error_summary
from commissioning.permissions import can, require
from commissioning.roles import Action

from .. import selectors
from ..forms import CASE_STUDY_WARNING, AcceptAwardForm, DeclineAwardForm, ReturnForm, ReturnUploadForm
from ..models import ALLOCATION_FIELDS, Award, AwardStatus, QuarterlyReturn
from ..services import awards as award_services
from ..services import returns as return_services
from ..xlsx_returns import build_template, parse_upload, template_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _award(request, pk):
    require(request.user, Action.VIEW_OWN_ORGANISATION)
    try:
        return selectors.provider_awards(request.user).get(pk=pk)
    except Award.DoesNotExist:
        raise Http404("Not found") from None


def _return(request, pk):
    require(request.user, Action.VIEW_OWN_ORGANISATION)
    try:
        return selectors.provider_return(request.user, pk)
    except QuarterlyReturn.DoesNotExist:
        raise Http404("Not found") from None


def _messages_of(exc):
    return list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]


def _agreement_context(award):
    from commissioning.models import Theme

    names = dict(Theme.objects.values_list("slug", "name"))
    allocation = [
        (names.get(slug, slug), getattr(award, field) / 100)
        for slug, field in ALLOCATION_FIELDS.items()
        if getattr(award, field)
    ]
    targets = award.targets.select_related("indicator").order_by(
        "indicator__display_order", "indicator_id", "financial_year", "quarter"
    )
    return {"award": award, "allocation": allocation, "targets": targets}


@login_required
def award_list(request):
    require(request.user, Action.VIEW_OWN_ORGANISATION)
    awards = selectors.provider_awards(request.user).exclude(status=AwardStatus.DECLINED)
    return render(request, "outcomes/portal/award_list.html", {"awards": awards, "page_title": "Your grants"})


@login_required
def award_detail(request, pk, accept_form=None, decline_form=None):
    award = _award(request, pk)
    context = _agreement_context(award)
    has_errors = bool((accept_form and accept_form.errors) or (decline_form and decline_form.errors))
    context.update(
        {
            "can_accept": can(request.user, Action.ACCEPT_AWARD, award),
            "accept_form": accept_form or AcceptAwardForm(),
            "decline_form": decline_form or DeclineAwardForm(),
            "error_list": error_summary(accept_form, decline_form),
            "page_title": f"{'Error: ' if has_errors else ''}Grant {award.reference}",
        }
    )
    return render(request, "outcomes/portal/award_detail.html", context)


@login_required
def agreement(request, pk):
    award = _award(request, pk)
    context = _agreement_context(award)
    context["page_title"] = f"Grant agreement {award.reference}"
    return render(request, "outcomes/portal/agreement.html", context)


@login_required
@require_POST
def accept(request, pk):
    award = _award(request, pk)
    form = AcceptAwardForm(request.POST)
    if form.is_valid():
        try:
            award_services.accept_award(
                award=award,
                actor=request.user,
                typed_name=form.cleaned_data["typed_name"],
                # The same client address the sign-in lockout uses (django-axes' settings decide proxies).
                ip_address=get_client_ip_address(request),
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            form.add_error("typed_name", exc)
        else:
            messages.success(request, "You have accepted the grant agreement. Your grant is now active.")
            return redirect("outcomes_portal:award", pk=award.pk)
    return award_detail(request, pk, accept_form=form)


@login_required
@require_POST
def decline(request, pk):
    award = _award(request, pk)
    form = DeclineAwardForm(request.POST)
    if form.is_valid():
        try:
            award_services.decline_award(award=award, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, "You have declined the grant offer.")
            return redirect("outcomes_portal:awards")
    return award_detail(request, pk, decline_form=form)


def _return_context(quarterly_return, form, extra_errors=()):
    award = quarterly_return.award
    previous = (
        award.returns.filter(status__in=["submitted", "approved"])
        .exclude(pk=quarterly_return.pk)
        .order_by("financial_year", "quarter")
    )
    errors = [("main-content", message) for message in extra_errors] + (error_summary(form) if form else [])
    return {
        "quarterly_return": quarterly_return,
        "award": award,
        "form": form,
        "error_list": errors,
        "editable": quarterly_return.status in return_services.EDITABLE and award.status == AwardStatus.ACTIVE,
        "quarter_ended": return_services.quarter_has_ended(quarterly_return),
        "rounds": quarterly_return.rounds.order_by("number"),
        "previous": previous,
        "case_study_warning": CASE_STUDY_WARNING,
        "upload_form": ReturnUploadForm(),
        "page_title": f"{'Error: ' if errors else ''}{quarterly_return.period_label} return for {award.reference}",
    }


@login_required
def return_edit(request, pk):
    quarterly_return = _return(request, pk)
    kwargs = {
        "indicators": return_services.return_indicators(quarterly_return),
        "budget_lines": return_services.return_budget_lines(quarterly_return),
    }
    if request.method != "POST":
        form = ReturnForm(initial=ReturnForm.initial_for(quarterly_return), **kwargs)
        return render(request, "outcomes/portal/return_form.html", _return_context(quarterly_return, form))
    require(request.user, Action.SUBMIT_RETURN, quarterly_return)
    form = ReturnForm(request.POST, **kwargs)
    valid = form.is_valid()
    results, spend, fields = form.valid_parts()
    try:
        quarterly_return = return_services.save_return_draft(
            quarterly_return=quarterly_return, actor=request.user, results=results, spend=spend, fields=fields
        )
    except ValidationError as exc:
        return render(
            request, "outcomes/portal/return_form.html", _return_context(quarterly_return, form, _messages_of(exc))
        )
    if not valid:
        messages.info(request, "We saved the answers that were correct. Fix the ones marked below.")
        return render(request, "outcomes/portal/return_form.html", _return_context(quarterly_return, form))
    if "submit" in request.POST:
        try:
            return_services.submit_return(quarterly_return=quarterly_return, actor=request.user)
        except ValidationError as exc:
            return render(
                request, "outcomes/portal/return_form.html", _return_context(quarterly_return, form, _messages_of(exc))
            )
        messages.success(request, f"Your {quarterly_return.period_label} return has been submitted for review.")
        return redirect("outcomes_portal:award", pk=quarterly_return.award_id)
    messages.success(request, "Your draft has been saved.")
    return redirect("outcomes_portal:return", pk=quarterly_return.pk)


@login_required
def return_template(request, pk):
    quarterly_return = _return(request, pk)
    response = HttpResponse(build_template(quarterly_return), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(quarterly_return)}"'
    return response


@login_required
def return_upload(request, pk):
    quarterly_return = _return(request, pk)
    form = ReturnUploadForm()
    problems = []
    if request.method == "POST":
        require(request.user, Action.SUBMIT_RETURN, quarterly_return)
        form = ReturnUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                results, spend, fields = parse_upload(quarterly_return, form.cleaned_data["file"])
                return_services.save_return_draft(
                    quarterly_return=quarterly_return, actor=request.user, results=results, spend=spend, fields=fields
                )
            except ValidationError as exc:
                problems = _messages_of(exc)
            else:
                messages.success(
                    request,
                    "We read your spreadsheet and saved its figures in your draft. Check them, then submit the return.",
                )
                return redirect("outcomes_portal:return", pk=quarterly_return.pk)
    errors = [("id_file", message) for message in problems] + error_summary(form)
    return render(
        request,
        "outcomes/portal/return_upload.html",
        {
            "quarterly_return": quarterly_return,
            "award": quarterly_return.award,
            "form": form,
            "problems": problems,
            "error_list": errors,
            "page_title": f"{'Error: ' if errors else ''}Upload the {quarterly_return.period_label} return",
            "return_url": reverse("outcomes_portal:return", args=[quarterly_return.pk]),
        },
    )
