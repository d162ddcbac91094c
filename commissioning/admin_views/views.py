"""Staff assessment screens in the Wagtail admin. Each view checks access, validates a form, calls one
service and renders or redirects; the services hold the rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors
from ..audit import record
from ..models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    Attachment,
    AuditEntry,
    Call,
    EligibilityItem,
    Partner,
)
from ..permissions import can, can_read_application, require
from ..roles import Action
from ..services import applications as application_services
from ..services import assessment as services
from ..spreadsheets import write_only_xlsx
from ..staff_forms import check_and_confirm, is_confirmed, summary_rows, wants_change
from . import forms


def _require_reader(user):
    """Commissioners, administrators and assessors read applications; anyone else (the executive) gets 403."""
    if not (can(user, Action.VIEW_ALL_APPLICATIONS) or can(user, Action.SCORE_APPLICATION)):
        raise PermissionDenied("You do not have permission to read applications.")


def _visible_application(request, pk):
    _require_reader(request.user)
    try:
        return selectors.application_detail(pk, request.user)
    except Application.DoesNotExist:
        raise Http404("Not found") from None


def _add_errors(form, exc):
    """Show a service's ValidationError on the form: against the field it names, or at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _detail_url(application):
    return reverse("assessment_admin:application", args=[application.pk])


def index(request):
    """Calls with their application counts (staff who see everything), or the assessor's own assignments."""
    _require_reader(request.user)
    if can(request.user, Action.VIEW_ALL_APPLICATIONS):
        calls = Call.objects.annotate(
            submitted_count=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT)),
            undecided_count=Count(
                "applications",
                filter=Q(
                    applications__status__in=[
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.UNDER_ASSESSMENT,
                        ApplicationStatus.SCORED,
                        ApplicationStatus.MODERATED,
                    ]
                ),
            ),
        ).order_by("-closes_at")
        return TemplateResponse(request, "commissioning/admin/call_index.html", {"calls": calls})
    assignments = (
        Assessment.objects.filter(assessor=request.user)
        .exclude(status=AssessmentStatus.CONFLICTED)
        .exclude(application__status=ApplicationStatus.WITHDRAWN)
        .select_related("application__organisation", "application__call")
        .order_by("application__call__reference", "application__reference")
    )
    return TemplateResponse(request, "commissioning/admin/my_assessments.html", {"assignments": assignments})


APPLICATIONS_PER_PAGE = 50


def application_list(request, call_pk):
    _require_reader(request.user)
    call = get_object_or_404(Call, pk=call_pk)
    filters = {key: request.GET.get(key, "").strip() for key in ("status", "theme", "assessor", "band", "search")}
    # Paginated: a London-sized call can have hundreds of applications, and the page should not grow with it.
    page = Paginator(selectors.application_list(request.user, call, **filters), APPLICATIONS_PER_PAGE).get_page(
        request.GET.get("p")
    )
    applications = list(page.object_list)
    for application in applications:
        application.needs_reassignment = (
            application.status in services.ASSIGNABLE
            and application.status != ApplicationStatus.SUBMITTED
            and application.active_assessors < services.MIN_ASSESSORS
        )
    is_commissioner = can(request.user, Action.VIEW_ALL_APPLICATIONS)
    return TemplateResponse(
        request,
        "commissioning/admin/application_list.html",
        {
            "call": call,
            "applications": applications,
            "page": page,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "filters": filters,
            "statuses": [s for s in ApplicationStatus if s != ApplicationStatus.DRAFT],
            "themes": call.themes.all(),
            "assessors": forms.assessor_users() if is_commissioner else [],
            "bands": selectors.SCORE_BANDS,
            "is_commissioner": is_commissioner,
            "can_assign": can(request.user, Action.ASSIGN_ASSESSORS),
            "can_export": can(request.user, Action.EXPORT_APPLICATIONS),
            "bulk_form": forms.BulkAssignForm() if can(request.user, Action.ASSIGN_ASSESSORS) else None,
        },
    )


def application_detail(request, pk):
    application = _visible_application(request, pk)
    user = request.user
    assessments = list(application.assessments.all())
    own = next((a for a in assessments if a.assessor_id == user.pk), None)
    is_commissioner = can(user, Action.VIEW_ALL_APPLICATIONS)
    # Blind scoring: an assessor sees others' scores only once their own are submitted.
    show_scores = is_commissioner or (own is not None and own.status == AssessmentStatus.SUBMITTED)
    checks = {check.item: check for check in application.eligibility_checks.all()}
    answers = {answer.question_id: answer for answer in application.answers.all()}
    context = {
        "application": application,
        "call": application.call,
        "assessments": assessments,
        "own_assessment": own,
        "show_scores": show_scores,
        "is_commissioner": is_commissioner,
        "questions": [(q, answers.get(q.pk)) for q in application.call.questions.all()],
        "partners": [dict(Partner.choices).get(code, code) for code in application.partners or []],
        "eligibility": [(item, checks.get(item.value)) for item in EligibilityItem],
        "needs_reassignment": services.needs_reassignment(application)
        and application.status != ApplicationStatus.SUBMITTED,
        "decision": getattr(application, "decision", None),
        "history": AuditEntry.objects.for_object(application).select_related("actor") if is_commissioner else [],
    }
    if can(user, Action.CHECK_ELIGIBILITY) and application.status in services.ASSIGNABLE:
        context["eligibility_form"] = forms.EligibilityForm(existing=checks)
    if can(user, Action.ASSIGN_ASSESSORS) and application.status in services.ASSIGNABLE:
        context["assign_form"] = forms.AssignForm(application=application)
    if can(user, Action.MODERATE):
        context["reopen_form"] = forms.ReasonForm()
    return TemplateResponse(request, "commissioning/admin/application_detail.html", context)


def _post_only_form(request, form, application, template, extra=None):
    context = {"application": application, "form": form, **(extra or {})}
    refused = request.method == "POST" and not wants_change(request)
    return TemplateResponse(request, template, context, status=400 if refused else 200)


def eligibility(request, pk):
    application = _visible_application(request, pk)
    require(request.user, Action.CHECK_ELIGIBILITY, application)
    checks = {check.item: check for check in application.eligibility_checks.all()}
    form = forms.EligibilityForm(request.POST or None, existing=checks)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_eligibility(
                application=application,
                results=form.results(),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            application.refresh_from_db()
            if application.status == ApplicationStatus.INELIGIBLE:
                messages.warning(request, f"{application.reference} is now ineligible.")
            else:
                messages.success(request, "Eligibility checks saved.")
            return redirect(_detail_url(application))
    return _post_only_form(request, form, application, "commissioning/admin/eligibility_form.html")


def assign(request, pk):
    application = _visible_application(request, pk)
    require(request.user, Action.ASSIGN_ASSESSORS, application)
    form = forms.AssignForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_assessors(
                application=application, assessors=list(form.cleaned_data["assessors"]), actor=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Assessors assigned.")
            return redirect(_detail_url(application))
    return _post_only_form(request, form, application, "commissioning/admin/assign_form.html")


@require_POST
def bulk_assign(request, call_pk):
    require(request.user, Action.ASSIGN_ASSESSORS)
    call = get_object_or_404(Call, pk=call_pk)
    form = forms.BulkAssignForm(request.POST)
    if form.is_valid():
        try:
            created = services.bulk_assign(
                call=call,
                assessors=list(form.cleaned_data["assessors"]),
                actor=request.user,
                per_application=form.cleaned_data["per_application"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{created} assessor assignments made.")
            return redirect("assessment_admin:applications", call_pk=call.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("assessment_admin:applications", call_pk=call.pk)


def _own_assessment(request, application):
    assessment = Assessment.objects.filter(application=application, assessor=request.user).first()
    if assessment is None or assessment.status == AssessmentStatus.CONFLICTED:
        raise Http404("Not found")
    return assessment


def declare(request, pk):
    application = _visible_application(request, pk)
    assessment = _own_assessment(request, application)
    if assessment.status != AssessmentStatus.ASSIGNED:
        messages.info(request, "You have already declared your interests for this application.")
        return redirect("assessment_admin:score", pk=application.pk)
    form = forms.DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conflicted = form.cleaned_data["conflicted"] == "yes"
        try:
            services.declare_conflict(
                assessment=assessment,
                actor=request.user,
                conflicted=conflicted,
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if conflicted:
                messages.success(request, "Conflict recorded. A commissioner will reassign this application.")
                return redirect("assessment_admin:index")
            return redirect("assessment_admin:score", pk=application.pk)
    return _post_only_form(request, form, application, "commissioning/admin/declare_form.html")


def score(request, pk):
    application = _visible_application(request, pk)
    assessment = _own_assessment(request, application)
    if assessment.status == AssessmentStatus.ASSIGNED:
        messages.warning(request, "Declare whether you have a conflict of interest before scoring.")
        return redirect("assessment_admin:declare", pk=application.pk)
    criteria = list(application.call.criteria.all())
    existing = {s.criterion_id: (s.score, s.comment) for s in assessment.scores.all()}
    submit = request.method == "POST" and "submit" in request.POST and not wants_change(request)
    form = forms.CriterionScoresForm(
        request.POST or None, criteria=criteria, initial_scores=existing, require_all=submit
    )
    locked = assessment.status == AssessmentStatus.SUBMITTED
    if request.method == "POST" and not locked and not wants_change(request) and form.is_valid():
        if submit and not is_confirmed(request):
            # Submitting locks the scores: check and confirm first.
            return check_and_confirm(
                request,
                title=f"Submit your scores for {application.reference}",
                subtitle=f"{application.project_title}, {application.organisation.name}",
                action="Submit scores",
                summary=summary_rows(form),
                warning="Once submitted, your scores are locked. Only a commissioner can reopen them.",
                back_url=reverse("assessment_admin:score", args=[application.pk]),
                form=form,
                extra_hidden={"submit": "1"},
            )
        try:
            services.save_scores(assessment=assessment, actor=request.user, scores=form.scores(), submit=submit)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if submit:
                messages.success(request, "Scores submitted. You can now see the other assessors' scores.")
                return redirect(_detail_url(application))
            messages.success(request, "Draft scores saved.")
            return redirect("assessment_admin:score", pk=application.pk)
    elif request.method == "POST" and locked:
        form.add_error(None, "Your scores are submitted and locked. Ask a commissioner to reopen them.")
    return _post_only_form(
        request,
        form,
        application,
        "commissioning/admin/score_form.html",
        {"assessment": assessment, "locked": locked, "min_score": application.call.min_criterion_score},
    )


@require_POST
def reopen(request, assessment_pk):
    assessment = get_object_or_404(Assessment.objects.select_related("application"), pk=assessment_pk)
    require(request.user, Action.MODERATE, assessment.application)
    form = forms.ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say why the scores are being reopened.")
        services.reopen_assessment(assessment=assessment, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Scores reopened for the assessor to change.")
    return redirect(_detail_url(assessment.application))


def moderation(request, call_pk):
    require(request.user, Action.MODERATE)
    call = get_object_or_404(Call, pk=call_pk)
    criteria, panel = selectors.moderation_panel(call)
    ranking = selectors.ranking(call, panel)
    # The line sits after the last application the budget covers; None when every ranked one fits.
    funding_line_after = None
    if any(not row.within_budget for row in ranking):
        funding_line_after = next((row.rank for row in reversed(ranking) if row.within_budget), 0)
    return TemplateResponse(
        request,
        "commissioning/admin/moderation.html",
        {
            "call": call,
            "criteria": criteria,
            "panel": panel,
            "ranking": ranking,
            "funding_line_after": funding_line_after,
            "unreleased": call.applications.filter(decision__released_at__isnull=True, decision__isnull=False).count(),
        },
    )


def moderate(request, pk):
    application = _visible_application(request, pk)
    require(request.user, Action.MODERATE, application)
    criteria = list(application.call.criteria.all())
    existing = {m.criterion_id: (m.score, m.rationale) for m in application.moderated_scores.all()}
    form = forms.ModerationForm(request.POST or None, criteria=criteria, initial_scores=existing, require_all=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate(application=application, actor=request.user, scores=form.scores())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Moderated scores saved for {application.reference}.")
            return redirect("assessment_admin:moderation", call_pk=application.call_id)
    return _post_only_form(request, form, application, "commissioning/admin/moderate_form.html")


def decide(request, pk):
    application = _visible_application(request, pk)
    require(request.user, Action.DECIDE, application)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_decision(
                application=application,
                actor=request.user,
                outcome=data["outcome"],
                feedback=data["feedback"],
                approved_amount=data["approved_amount"],
                reduction_reason=data["reduction_reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Decision recorded. It reaches the provider when you release decisions.")
            return redirect(_detail_url(application))
    return _post_only_form(request, form, application, "commissioning/admin/decision_form.html")


@require_POST
def release(request, call_pk):
    require(request.user, Action.RELEASE_DECISIONS)
    call = get_object_or_404(Call, pk=call_pk)
    if not is_confirmed(request):
        waiting = (
            Application.objects.filter(call=call, decision__isnull=False, decision__released_at__isnull=True)
            .select_related("organisation", "decision")
            .order_by("reference")
        )
        return check_and_confirm(
            request,
            title=f"Release decisions for {call.reference}",
            subtitle=call.title,
            action="Release decisions",
            summary=[(f"{a.reference}: {a.organisation.name}", a.decision.get_outcome_display()) for a in waiting],
            warning=f"{len(waiting)} provider{'s' if len(waiting) != 1 else ''} will be emailed and see the "
            "decision and feedback in the portal. This cannot be undone.",
            back_url=reverse("assessment_admin:moderation", args=[call.pk]),
        )
    count = services.release_decisions(call=call, actor=request.user)
    if count:
        messages.success(request, f"{count} decisions released and emailed to providers.")
    else:
        messages.info(request, "There were no recorded decisions waiting to be released.")
    return redirect("assessment_admin:moderation", call_pk=call.pk)


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export(request, call_pk, fmt):
    require(request.user, Action.EXPORT_APPLICATIONS)
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown format")
    from ..resources import ApplicationExportResource

    call = get_object_or_404(Call, pk=call_pk)
    dataset = ApplicationExportResource(call=call).export()
    record(
        actor=request.user,
        action="applications.exported",
        obj=call,
        comment=f"{len(dataset)} applications as {fmt.upper()}.",
        data={"format": fmt},
    )
    if fmt == "xlsx":
        # Written row by row (openpyxl write-only): tablib would build the whole workbook in memory first.
        content = write_only_xlsx(dataset.headers, dataset, title=f"{call.reference} applications")
    else:
        content = dataset.export(fmt)
    response = HttpResponse(
        content.encode("utf-8") if isinstance(content, str) else content, content_type=EXPORT_FORMATS[fmt]
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{call.reference}-applications-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_attachment(request, token):
    """A provider's attachment for staff, asked the question the application's staff page asks: commissioning
    staff read submitted applications, an assessor only an assigned one without a conflict; never a draft."""
    _require_reader(request.user)
    attachment = get_object_or_404(Attachment.objects.select_related("application"), token=token)
    if not can_read_application(request.user, attachment.application):
        raise Http404("Not found")
    application_services.record_download(actor=request.user, attachment=attachment)
    return application_services.attachment_response(attachment)
