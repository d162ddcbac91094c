"""Portal applications: start, the task list, one page per section, submit, view and withdraw.

Each view finds the application through ``_application`` (another organisation's -> 404, a person
without the provider role -> 403), validates a form and calls one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..forms_portal import (
    AttachmentForm,
    BudgetLineForm,
    DeclarationsForm,
    OutcomeForm,
    ProjectForm,
    QuestionsForm,
    ThemesForm,
    WithdrawForm,
)
from ..govuk_forms import error_summary
from ..models import Application, Attachment, BudgetLine, Call, Organisation, Partner, ProposedOutcome
from ..permissions import approved_organisation_ids, can, require
from ..roles import Action
from ..services import applications as service
from ..services.applications import COMPLETED, Section
from ..states import DECIDED


def _application(request, pk, *, editable=False):
    application = get_object_or_404(Application.objects.select_related("call", "organisation"), pk=pk)
    require(request.user, Action.APPLY, application)
    if editable and not application.is_editable:
        messages.error(request, "This application has been submitted, so it can no longer be changed.")
        raise _Redirect(reverse("portal:application", kwargs={"pk": application.pk}))
    return application


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _redirects(view):
    """Let helpers stop a view with a redirect (used when a submitted application is edited)."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as stop:
            return redirect(stop.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def _tasks_url(application):
    return reverse("portal:application", kwargs={"pk": application.pk})


def _state(application, key):
    return next(state for state in service.section_statuses(application) if state.key == key)


def _finish(request, application, key, form, action, section_url):
    """After saving: either go back to the task list or, on Save and continue, show what still
    stops the section being complete."""
    if form is not None and form.errors:
        messages.error(request, "We saved the answers that were valid. Correct the problems shown below.")
        return None
    if action == "continue":
        state = _state(application, key)
        if state.problems:
            if form is not None:
                for problem in state.problems:
                    form.add_error(None, problem + ".")
                return None
            messages.error(request, " ".join(p + "." for p in state.problems))
            return redirect(section_url)
        messages.success(request, f"{state.title}: section complete.")
        return redirect(_tasks_url(application))
    if action in ("later", "continue"):
        messages.success(request, "Your answers have been saved. You can come back to them later.")
        return redirect(_tasks_url(application))
    return redirect(section_url)


def _section_context(application, key, **extra):
    return {
        "application": application,
        "call": application.call,
        "section": key,
        "page_title": service.SECTION_TITLES[key],
        **extra,
    }


# ---------------------------------------------------------------- start


@login_required
def call_detail(request, pk):
    call = get_object_or_404(Call.objects.prefetch_related("themes", "questions"), pk=pk)
    organisations = Organisation.objects.filter(pk__in=approved_organisation_ids(request.user))
    existing = list(Application.objects.filter(call=call, organisation__in=organisations).exclude(status="withdrawn"))
    return render(
        request,
        "portal/call.html",
        {
            "call": call,
            "organisations": list(organisations),
            "existing": existing,
            "closes": service.format_deadline(call.closes_at),
            "page_title": call.title,
            "can_apply": bool(organisations) and can(request.user, Action.APPLY),
        },
    )


@login_required
@require_POST
def application_start(request, pk):
    call = get_object_or_404(Call, pk=pk)
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation"))
    require(request.user, Action.APPLY, organisation)
    try:
        application = service.start_application(actor=request.user, call=call, organisation=organisation)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("portal:call", pk=call.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("portal:call", pk=call.pk)
    messages.success(request, "Your application has started. You can save it and come back at any time.")
    return redirect(_tasks_url(application))


# ---------------------------------------------------------------- task list and read-only view


@_redirects
def application_detail(request, pk):
    application = _application(request, pk)
    if not application.is_editable:
        return _read_only(request, application)
    states = service.section_statuses(application)
    return render(
        request,
        "portal/application_tasks.html",
        {
            "application": application,
            "call": application.call,
            "sections": states,
            "completed": sum(1 for s in states if s.status == COMPLETED),
            "page_title": "Your application",
            "closes": service.format_deadline(application.call.closes_at),
        },
    )


def _read_only(request, application):
    application = (
        Application.objects.select_related("call", "organisation", "submitted_by")
        .prefetch_related(
            "themes",
            "budget_lines",
            "answers__question",
            "attachments",
            "proposed_outcomes__targets",
            "proposed_outcomes__indicator",
        )
        .get(pk=application.pk)
    )
    partners = [Partner(code).label for code in application.partners if code in Partner.values]
    return render(
        request,
        "portal/application_view.html",
        {
            "application": application,
            "call": application.call,
            "partners": partners,
            "decision": service.released_decision(application),
            "can_withdraw": application.status not in DECIDED,
            "submitted": service.format_deadline(application.submitted_at) if application.submitted_at else "",
            "page_title": application.project_title or "Your application",
        },
    )


# ---------------------------------------------------------------- sections


@_redirects
def section(request, pk, key):
    application = _application(request, pk, editable=True)
    handlers = {
        Section.ORGANISATION: _organisation_section,
        Section.PROJECT: _project_section,
        Section.THEMES: _themes_section,
        Section.BUDGET: _budget_section,
        Section.QUESTIONS: _questions_section,
        Section.ATTACHMENTS: _attachments_section,
        Section.DECLARATIONS: _declarations_section,
    }
    if key not in handlers:
        raise Http404("No such section")
    return handlers[key](request, application)


def _section_url(application, key):
    return reverse("portal:section", kwargs={"pk": application.pk, "key": key})


def _organisation_section(request, application):
    action = request.POST.get("action")
    if request.method == "POST":
        response = _finish(
            request, application, Section.ORGANISATION, None, action, _section_url(application, Section.ORGANISATION)
        )
        if response:
            return response
    return render(
        request,
        "portal/section_organisation.html",
        _section_context(
            application,
            Section.ORGANISATION,
            organisation=application.organisation,
            is_admin=application.organisation_id in approved_organisation_ids(request.user, org_admin=True),
        ),
    )


def _draft_section(request, application, key, form, save, template="portal/section_form.html", **extra):
    """The shared Save and continue / Save and come back later flow for a draft form."""
    if request.method == "POST":
        form.is_valid()
        try:
            save(form.valid_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        response = _finish(request, application, key, form, request.POST.get("action"), _section_url(application, key))
        if response:
            return response
    return render(
        request,
        template,
        _section_context(
            application,
            key,
            form=form,
            errors=error_summary(form),
            **extra,
        ),
    )


def _strict(request):
    return request.method == "POST" and request.POST.get("action") == "continue"


def _project_section(request, application):
    initial = {name: getattr(application, name) for name in service.PROJECT_FIELDS}
    form = ProjectForm(request.POST if request.method == "POST" else None, initial=initial, strict=_strict(request))
    return _draft_section(
        request,
        application,
        Section.PROJECT,
        form,
        lambda values: service.save_fields(actor=request.user, application=application, values=values),
    )


def _themes_section(request, application):
    initial = {"themes": list(application.themes.all()), "themes_how": application.themes_how}
    form = ThemesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        call=application.call,
        strict=_strict(request),
    )
    outcomes = application.proposed_outcomes.select_related("indicator", "custom_theme").prefetch_related("targets")
    return _draft_section(
        request,
        application,
        Section.THEMES,
        form,
        lambda values: service.save_fields(actor=request.user, application=application, values=values),
        template="portal/section_themes.html",
        outcomes=outcomes,
    )


def _questions_section(request, application):
    questions = list(application.call.questions.all())
    answers = {answer.question_id: answer.text for answer in application.answers.all()}
    initial = {f"answer_{q.pk}": answers.get(q.pk, "") for q in questions}
    form = QuestionsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        questions=questions,
        strict=_strict(request),
    )
    return _draft_section(
        request,
        application,
        Section.QUESTIONS,
        form,
        lambda values: service.save_answers(actor=request.user, application=application, answers=form.valid_answers()),
    )


def _declarations_section(request, application):
    states = {state.key: state for state in service.section_statuses(application)}
    if states[Section.DECLARATIONS].status == service.CANNOT_START:
        messages.error(request, "Complete the other sections before you make the declarations.")
        return redirect(_tasks_url(application))
    initial = {name: getattr(application, name) for name in service.DECLARATION_FIELDS}
    form = DeclarationsForm(
        request.POST if request.method == "POST" else None, initial=initial, strict=_strict(request)
    )
    return _draft_section(
        request,
        application,
        Section.DECLARATIONS,
        form,
        lambda values: service.save_fields(actor=request.user, application=application, values=values),
    )


def _budget_section(request, application):
    call = application.call
    form = BudgetLineForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST":
        action = request.POST.get("action")
        if form.has_changed() or action == "add":
            if form.is_valid():
                try:
                    service.save_budget_line(actor=request.user, application=application, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    form = BudgetLineForm(call=call)  # the line is saved: show an empty form for the next
                    if action == "add":
                        messages.success(request, "Budget line added.")
                        return redirect(_section_url(application, Section.BUDGET))
        else:
            form = BudgetLineForm(call=call)
        if not form.errors:
            # The add-line form is empty or saved here, so section problems are shown as a message.
            response = _finish(
                request, application, Section.BUDGET, None, action, _section_url(application, Section.BUDGET)
            )
            if response:
                return response
    lines = list(application.budget_lines.all())
    return render(
        request,
        "portal/section_budget.html",
        _section_context(
            application,
            Section.BUDGET,
            form=form,
            errors=error_summary(form),
            lines=lines,
            total=service.money(sum((line.amount for line in lines), 0)),
            range=f"{service.money(call.min_grant)} to {service.money(call.max_grant)}",
            years=dict(service.project_year_choices(call)),
        ),
    )


def _attachments_section(request, application):
    form = AttachmentForm(request.POST or None, request.FILES or None) if request.method == "POST" else AttachmentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if request.FILES or action == "upload":
            if form.is_valid():
                service.add_attachment(
                    actor=request.user, application=application, kind=form.cleaned_data["kind"], checked=form.checked
                )
                messages.success(request, f"{form.checked.name} has been uploaded.")
                if action == "upload":
                    return redirect(_section_url(application, Section.ATTACHMENTS))
                form = AttachmentForm()
        else:
            form = AttachmentForm()
        if not form.errors:
            response = _finish(
                request, application, Section.ATTACHMENTS, None, action, _section_url(application, Section.ATTACHMENTS)
            )
            if response:
                return response
    return render(
        request,
        "portal/section_attachments.html",
        _section_context(
            application,
            Section.ATTACHMENTS,
            form=form,
            errors=error_summary(form),
            attachments=list(application.attachments.all()),
        ),
    )


# ---------------------------------------------------------------- outcomes and budget lines


@_redirects
def outcome_edit(request, pk, outcome_pk=None):
    application = _application(request, pk, editable=True)
    outcome = None
    if outcome_pk is not None:
        outcome = get_object_or_404(ProposedOutcome, pk=outcome_pk, application=application)
    initial = {}
    if outcome is not None:
        initial = {
            "indicator": outcome.indicator,
            "custom_name": outcome.custom_name,
            "custom_unit": outcome.custom_unit,
            "custom_theme": outcome.custom_theme,
        }
        initial.update({f"target_{t.financial_year}": t.target for t in outcome.targets.all()})
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial, call=application.call)
    action_url = request.path
    if request.method == "POST":
        form.is_valid()
        if form.identity_valid():
            try:
                outcome = service.save_outcome(
                    actor=request.user,
                    application=application,
                    outcome=outcome,
                    indicator=form.cleaned_data.get("indicator"),
                    custom_name=form.cleaned_data.get("custom_name", ""),
                    custom_unit=form.cleaned_data.get("custom_unit", ""),
                    custom_theme=form.cleaned_data.get("custom_theme"),
                    targets=form.valid_targets(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            # A new outcome now exists: resubmitting the page must change it, not add another.
            action_url = (
                reverse("portal:outcome_edit", kwargs={"pk": application.pk, "outcome_pk": outcome.pk})
                if outcome
                else action_url
            )
        if not form.errors:
            messages.success(request, "Outcome saved.")
            return redirect(_section_url(application, Section.THEMES))
        if outcome is not None:
            messages.error(request, "We saved the parts that were valid. Correct the problems shown below.")
    targets = [form[f"target_{year}"] for year in form.years]
    return render(
        request,
        "portal/outcome_form.html",
        {
            "application": application,
            "form": form,
            "errors": error_summary(form),
            "action_url": action_url,
            "targets": targets,
            "outcome": outcome,
            "page_title": "Change an outcome" if outcome else "Add an outcome",
            "identity_fields": [form[n] for n in ("indicator", "custom_name", "custom_unit", "custom_theme")],
        },
    )


@_redirects
def budget_line_edit(request, pk, line_pk):
    application = _application(request, pk, editable=True)
    line = get_object_or_404(BudgetLine, pk=line_pk, application=application)
    initial = {
        "category": line.category,
        "description": line.description,
        "financial_year": line.financial_year,
        "amount": line.amount,
    }
    form = BudgetLineForm(request.POST if request.method == "POST" else None, initial=initial, call=application.call)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_budget_line(actor=request.user, application=application, line=line, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Budget line saved.")
            return redirect(_section_url(application, Section.BUDGET))
    return render(
        request,
        "portal/form_page.html",
        {
            "form": form,
            "errors": error_summary(form),
            "page_title": "Change a budget line",
            "button": "Save budget line",
            "back": _section_url(application, Section.BUDGET),
        },
    )


def _confirm_delete(request, application, *, what, back, delete):
    if request.method == "POST":
        delete()
        messages.success(request, f"{what[0].upper()}{what[1:]} removed.")
        return redirect(back)
    return render(
        request,
        "portal/confirm.html",
        {
            "page_title": f"Remove {what}?",
            "back": back,
            "button": "Yes, remove it",
            "application": application,
        },
    )


@_redirects
def outcome_delete(request, pk, outcome_pk):
    application = _application(request, pk, editable=True)
    outcome = get_object_or_404(ProposedOutcome, pk=outcome_pk, application=application)
    return _confirm_delete(
        request,
        application,
        what=f"the outcome “{outcome}”",
        back=_section_url(application, Section.THEMES),
        delete=lambda: service.delete_outcome(actor=request.user, application=application, outcome=outcome),
    )


@_redirects
def budget_line_delete(request, pk, line_pk):
    application = _application(request, pk, editable=True)
    line = get_object_or_404(BudgetLine, pk=line_pk, application=application)
    return _confirm_delete(
        request,
        application,
        what=f"the budget line “{line.description}”",
        back=_section_url(application, Section.BUDGET),
        delete=lambda: service.delete_budget_line(actor=request.user, application=application, line=line),
    )


@_redirects
def attachment_delete(request, pk, token):
    application = _application(request, pk, editable=True)
    attachment = get_object_or_404(Attachment, token=token, application=application)
    return _confirm_delete(
        request,
        application,
        what=f"the file “{attachment.original_name}”",
        back=_section_url(application, Section.ATTACHMENTS),
        delete=lambda: service.delete_attachment(actor=request.user, application=application, attachment=attachment),
    )


@_redirects
def attachment_download(request, pk, token):
    """The provider's own copy of a file, asked exactly as the application's page asks (``_application``):
    another organisation's -> 404, anyone without the provider role (staff included) -> 403. Staff
    download through the assessment screens, which ask their own screen's question."""
    application = _application(request, pk)
    attachment = get_object_or_404(Attachment, token=token, application=application)
    service.record_download(actor=request.user, attachment=attachment)
    return service.attachment_response(attachment)


# ---------------------------------------------------------------- submit and withdraw


@_redirects
def submit(request, pk):
    application = _application(request, pk)
    if request.method == "POST":
        if not application.is_editable:
            # Already submitted before this request began: a deliberate second submission.
            messages.info(request, "This application has already been submitted.")
            return redirect("portal:submitted", pk=application.pk)
        try:
            application, created = service.submit_application(actor=request.user, application=application)
        except service.SubmissionRefused as exc:
            messages.error(request, exc.messages[0])
            return redirect("portal:submit", pk=application.pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("portal:submit", pk=application.pk)
        return redirect("portal:submitted", pk=application.pk)
    if not application.is_editable:
        messages.info(request, "This application has already been submitted.")
        return redirect(_tasks_url(application))
    missing = [state for state in service.section_statuses(application) if state.status != COMPLETED]
    return render(
        request,
        "portal/submit.html",
        {
            "application": application,
            "call": application.call,
            "missing": missing,
            "closes": service.format_deadline(application.call.closes_at),
            "page_title": "Submit your application",
            "total": service.money(application.total_requested),
        },
    )


@_redirects
def submitted(request, pk):
    application = _application(request, pk)
    if application.submitted_at is None:
        raise _Redirect(_tasks_url(application))
    return render(
        request,
        "portal/submitted.html",
        {
            "application": application,
            "page_title": "Application submitted",
            "submitted": service.format_deadline(application.submitted_at),
        },
    )


@_redirects
def withdraw(request, pk):
    application = _application(request, pk)
    if application.status in DECIDED or application.is_editable:
        messages.error(
            request, f"This application is {application.get_status_display().lower()}, so it cannot be withdrawn."
        )
        return redirect(_tasks_url(application))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.withdraw_application(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Application {application.reference} has been withdrawn.")
        return redirect(_tasks_url(application))
    return render(
        request,
        "portal/form_page.html",
        {
            "form": form,
            "errors": error_summary(form),
            "page_title": f"Withdraw application {application.reference}",
            "button": "Withdraw application",
            "button_class": "govuk-button--warning",
            "back": _tasks_url(application),
            "intro": "Once withdrawn, the application will not be assessed. You cannot undo this.",
        },
    )
