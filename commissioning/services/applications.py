"""Applications on the provider portal: start, save sections of a draft, submit, withdraw.

Drafts are saved piece by piece: a section's valid fields are written even when others are not, so
nothing is lost. Whether a section is complete is worked out from what is saved (``section_statuses``),
never trusted from the browser. Status changes go through ``states.change_application_status``.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .. import formats
from ..audit import record
from ..fiscal import financial_year_label, financial_year_of
from ..govuk_forms import count_words
from ..models import (
    Answer,
    Application,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    BudgetLine,
    Call,
    ProposedOutcome,
    ProposedTarget,
)
from ..notifications import send_templated_email
from ..permissions import require
from ..roles import Action
from ..states import DECIDED, change_application_status

# Word limits for the standard questions: shared by the forms (live count) and the completeness check.
WORD_LIMITS = {
    "summary": 150,
    "need_and_evidence": 500,
    "delivery_plan": 500,
    "beneficiaries": 200,
    "safeguarding_approach": 300,
    "other_partners": 100,
    "themes_how": 300,
}
PROJECT_FIELDS = [
    "project_title",
    "summary",
    "need_and_evidence",
    "delivery_plan",
    "beneficiaries",
    "beneficiary_count",
    "partners",
    "other_partners",
    "safeguarding_approach",
]
PROJECT_REQUIRED = [
    "project_title",
    "summary",
    "need_and_evidence",
    "delivery_plan",
    "beneficiaries",
    "beneficiary_count",
    "safeguarding_approach",
]
DECLARATION_FIELDS = ["declares_information_true", "declares_policies_in_place", "declares_data_protection"]
REQUIRED_ATTACHMENTS = [AttachmentKind.SAFEGUARDING_POLICY, AttachmentKind.ACCOUNTS]


class Section:
    ORGANISATION = "organisation"
    PROJECT = "project"
    THEMES = "themes"
    BUDGET = "budget"
    QUESTIONS = "questions"
    ATTACHMENTS = "attachments"
    DECLARATIONS = "declarations"


SECTION_TITLES = {
    Section.ORGANISATION: "Your organisation",
    Section.PROJECT: "Your project",
    Section.THEMES: "Themes and outcomes",
    Section.BUDGET: "Budget",
    Section.QUESTIONS: "Questions",
    Section.ATTACHMENTS: "Attachments",
    Section.DECLARATIONS: "Declarations",
}

COMPLETED, INCOMPLETE, CANNOT_START = "Completed", "Incomplete", "Cannot start yet"


money = formats.money


def london(value):
    return timezone.localtime(value)


format_time = formats.govuk_time
format_deadline = formats.govuk_datetime


def project_years(call):
    """The financial years a project funded by ``call`` can run in: from the year the call closes to
    the year the longest allowed project would end."""
    start = london(call.closes_at).date()
    months = call.max_project_months
    end_month = start.month - 1 + months
    end = dt.date(start.year + end_month // 12, end_month % 12 + 1, 1) - dt.timedelta(days=1)
    return list(range(financial_year_of(start), financial_year_of(max(start, end)) + 1))


def project_year_choices(call):
    return [(year, financial_year_label(year)) for year in project_years(call)]


def applications_for(user):
    """A provider's organisations' applications, with what the lists show."""
    from ..permissions import approved_organisation_ids

    return Application.objects.filter(organisation_id__in=approved_organisation_ids(user)).select_related(
        "call", "organisation"
    )


def _check_editable(actor, application):
    require(actor, Action.APPLY, application)
    if not application.is_editable:
        raise ValidationError(
            f"This application has been {application.get_status_display().lower()}, so it can no longer be changed.",
            code="locked",
        )


def _require_confirmed(actor):
    if not getattr(actor, "email_confirmed_at", None):
        raise PermissionDenied("Confirm your email address before you apply: use the link we emailed you.")


# ---------------------------------------------------------------- starting


def start_application(*, actor, call, organisation):
    """Create a draft for ``organisation`` on an open ``call``. Refuses a closed call and a second
    application where the call allows only one (the database constraint backs this up)."""
    require(actor, Action.APPLY, organisation)
    _require_confirmed(actor)
    if not call.is_open:
        raise ValidationError("This call is not open for applications.", code="call_not_open")
    duplicate = (
        Application.objects.filter(call=call, organisation=organisation)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    )
    if duplicate and not call.allow_multiple_applications:
        raise ValidationError(
            f"{organisation} already has an application for this call. Each organisation can make one "
            "application to this call: continue the one you started.",
            code="duplicate",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                organisation=organisation,
                created_by=actor,
                multiple_allowed=call.allow_multiple_applications,
            )
            record(actor=actor, action="application.started", obj=application, to_state=ApplicationStatus.DRAFT)
    except IntegrityError:
        raise ValidationError(f"{organisation} already has an application for this call.", code="duplicate") from None
    return application


# ---------------------------------------------------------------- saving sections


def save_fields(*, actor, application, values):
    """Save the given fields (already validated by a form) of a draft. Fields not in ``values`` are
    left as they are, which is how an invalid field keeps its last good value."""
    allowed = set(PROJECT_FIELDS) | {"themes_how"} | set(DECLARATION_FIELDS)
    unknown = set(values) - allowed - {"themes"}
    if unknown:
        raise ValueError(f"Not application fields: {sorted(unknown)}")
    with transaction.atomic():
        _check_editable(actor, application)
        themes = values.pop("themes", None)
        for name, value in values.items():
            setattr(application, name, value)
        if values:
            application.save(update_fields=[*values, "updated_at"])
        if themes is not None:
            allowed_themes = set(application.call.themes.values_list("pk", flat=True))
            if any(theme.pk not in allowed_themes for theme in themes):
                raise ValidationError("Choose only themes this call funds.", code="theme_not_in_call")
            application.themes.set(themes)
        _refresh_completed(application)
    return application


def save_outcome(
    *, actor, application, outcome=None, indicator=None, custom_name="", custom_unit="", custom_theme=None, targets=None
):
    """Create or update a proposed outcome and save its valid targets ({financial_year: Decimal})."""
    with transaction.atomic():
        _check_editable(actor, application)
        if indicator is None and not custom_name:
            raise ValidationError("Choose an indicator from the list or describe your own.", code="no_indicator")
        if custom_theme is not None and not application.call.themes.filter(pk=custom_theme.pk).exists():
            raise ValidationError("Choose a theme this call funds.", code="theme_not_in_call")
        if outcome is None:
            outcome = ProposedOutcome(application=application)
        elif outcome.application_id != application.pk:
            raise PermissionDenied("That outcome belongs to another application.")
        outcome.indicator = indicator
        outcome.custom_name = "" if indicator else custom_name
        outcome.custom_unit = "" if indicator else custom_unit
        outcome.custom_theme = None if indicator else custom_theme
        outcome.save()
        years = set(project_years(application.call))
        for year, value in (targets or {}).items():
            if year not in years:
                continue
            if value is None:
                ProposedTarget.objects.filter(outcome=outcome, financial_year=year).delete()
            else:
                ProposedTarget.objects.update_or_create(
                    outcome=outcome, financial_year=year, defaults={"target": value}
                )
        _refresh_completed(application)
    return outcome


def delete_outcome(*, actor, application, outcome):
    with transaction.atomic():
        _check_editable(actor, application)
        ProposedOutcome.objects.filter(pk=outcome.pk, application=application).delete()
        _refresh_completed(application)


def save_budget_line(*, actor, application, line=None, category, description, financial_year, amount):
    with transaction.atomic():
        _check_editable(actor, application)
        if financial_year not in project_years(application.call):
            raise ValidationError("Choose a financial year the project covers.", code="year")
        if amount < 0:
            raise ValidationError("Enter an amount of £0 or more.", code="negative")
        if line is None:
            line = BudgetLine(application=application)
        elif line.application_id != application.pk:
            raise PermissionDenied("That budget line belongs to another application.")
        line.category, line.description = category, description
        line.financial_year, line.amount = financial_year, amount.quantize(Decimal("0.01"))
        line.save()
        _refresh_completed(application)
    return line


def delete_budget_line(*, actor, application, line):
    with transaction.atomic():
        _check_editable(actor, application)
        BudgetLine.objects.filter(pk=line.pk, application=application).delete()
        _refresh_completed(application)


def save_answers(*, actor, application, answers):
    """Save answers ({question: text}) to the call's questions."""
    with transaction.atomic():
        _check_editable(actor, application)
        for question, text in answers.items():
            if question.call_id != application.call_id:
                raise ValidationError("That question is not part of this call.", code="question")
            Answer.objects.update_or_create(application=application, question=question, defaults={"text": text})
        _refresh_completed(application)


def add_attachment(*, actor, application, kind, checked):
    """Store a checked upload (commissioning.uploads.CheckedUpload) privately and audit it."""
    with transaction.atomic():
        _check_editable(actor, application)
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        attachment.file.save(checked.name, ContentFile(checked.content), save=False)
        attachment.save()
        record(
            actor=actor,
            action="attachment.uploaded",
            obj=attachment,
            data={"sha256": checked.sha256, "size": checked.size, "kind": kind},
        )
        _refresh_completed(application)
    return attachment


def delete_attachment(*, actor, application, attachment):
    with transaction.atomic():
        _check_editable(actor, application)
        if attachment.application_id != application.pk:
            raise PermissionDenied("That file belongs to another application.")
        name = attachment.file.name
        storage = attachment.file.storage
        record(actor=actor, action="attachment.deleted", obj=attachment, data={"sha256": attachment.sha256})
        attachment.delete()
        _refresh_completed(application)
        transaction.on_commit(lambda: storage.delete(name))


def record_download(*, actor, attachment):
    # Recorded against the application, so its history shows who read its files.
    record(
        actor=actor,
        action="attachment.downloaded",
        obj=attachment.application,
        comment=attachment.original_name,
        data={"attachment": str(attachment.token), "sha256": attachment.sha256},
    )


def attachment_response(attachment):
    """Stream a private file as a download the browser must not sniff, render inline or keep."""
    from django.http import FileResponse

    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


# ---------------------------------------------------------------- completeness


@dataclass
class SectionState:
    key: str
    title: str
    status: str
    problems: list


def _project_problems(application):
    problems = []
    labels = {
        "project_title": "Enter the project title",
        "summary": "Enter a summary of the project",
        "need_and_evidence": "Describe the need and your evidence for it",
        "delivery_plan": "Describe how you will deliver the project",
        "beneficiaries": "Say who will benefit",
        "beneficiary_count": "Enter how many people will benefit",
        "safeguarding_approach": "Describe your safeguarding approach",
    }
    for name in PROJECT_REQUIRED:
        value = getattr(application, name)
        if value in (None, ""):
            problems.append(labels[name])
    for name, limit in WORD_LIMITS.items():
        if name in PROJECT_FIELDS and count_words(getattr(application, name)) > limit:
            problems.append(f"Shorten {Application._meta.get_field(name).verbose_name} to {limit} words or fewer")
    return problems


def _themes_problems(application, call_theme_ids, outcomes, years):
    problems = []
    chosen = [theme.pk for theme in application.themes.all()]
    if not chosen:
        problems.append("Choose at least one theme")
    elif any(pk not in call_theme_ids for pk in chosen):
        problems.append("Choose only themes this call funds")
    if not application.themes_how:
        problems.append("Explain how the project addresses the themes")
    elif count_words(application.themes_how) > WORD_LIMITS["themes_how"]:
        problems.append(f"Shorten how the project addresses the themes to {WORD_LIMITS['themes_how']} words or fewer")
    if not outcomes:
        problems.append("Propose at least one outcome")
    for outcome in outcomes:
        have = {target.financial_year for target in outcome.targets.all()}
        missing = [financial_year_label(year) for year in years if year not in have]
        if missing:
            problems.append(f"Enter a target for {outcome} in {', '.join(missing)}")
    return problems


def _budget_problems(application, lines):
    call = application.call
    if not lines:
        return ["Add at least one budget line"]
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total < call.min_grant or total > call.max_grant:
        return [
            f"The total requested ({money(total)}) must be between {money(call.min_grant)} and {money(call.max_grant)}"
        ]
    return []


def _question_problems(questions, answers):
    problems = []
    for question in questions:
        text = answers.get(question.pk, "")
        if question.required and not text.strip():
            problems.append(f"Answer “{question.text}”")
        elif count_words(text) > question.word_limit:
            problems.append(f"Shorten your answer to “{question.text}” to {question.word_limit} words or fewer")
    return problems


def _attachment_problems(attachments):
    kinds = {attachment.kind for attachment in attachments}
    return [f"Upload your {AttachmentKind(kind).label.lower()}" for kind in REQUIRED_ATTACHMENTS if kind not in kinds]


def _declaration_problems(application):
    return ["Confirm all three declarations"] if not all(getattr(application, n) for n in DECLARATION_FIELDS) else []


def section_statuses(application):
    """[SectionState] in task-list order, worked out from the saved data. Declarations cannot start
    until every other section is complete, because they vouch for the whole application."""
    call = application.call
    outcomes = list(application.proposed_outcomes.select_related("indicator").prefetch_related("targets"))
    lines = list(application.budget_lines.all())
    questions = list(call.questions.all())
    answers = {answer.question_id: answer.text for answer in application.answers.all()}
    attachments = list(application.attachments.all())
    call_theme_ids = set(call.themes.values_list("pk", flat=True))
    problems = {
        Section.ORGANISATION: [],
        Section.PROJECT: _project_problems(application),
        Section.THEMES: _themes_problems(application, call_theme_ids, outcomes, project_years(call)),
        Section.BUDGET: _budget_problems(application, lines),
        Section.QUESTIONS: _question_problems(questions, answers),
        Section.ATTACHMENTS: _attachment_problems(attachments),
        Section.DECLARATIONS: _declaration_problems(application),
    }
    others_done = all(not found for key, found in problems.items() if key != Section.DECLARATIONS)
    states = []
    for key, title in SECTION_TITLES.items():
        if key == Section.DECLARATIONS and not others_done:
            status = CANNOT_START
        else:
            status = INCOMPLETE if problems[key] else COMPLETED
        states.append(SectionState(key, title, status, problems[key]))
    return states


def _refresh_completed(application):
    completed = [state.key for state in section_statuses(application) if state.status == COMPLETED]
    if completed != application.completed_sections:
        application.completed_sections = completed
        application.save(update_fields=["completed_sections"])


# ---------------------------------------------------------------- submission


class SubmissionRefused(ValidationError):
    pass


def _next_reference(call):
    prefix = f"{call.reference}-"
    numbers = [
        int(reference.removeprefix(prefix))
        for reference in Application.objects.filter(call=call, reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if reference.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def submit_application(*, actor, application, now=None):
    """Submit a complete draft. Returns (application, created). Idempotent: if it is already submitted
    (a double click) it returns (application, False) with no second audit entry or email.

    Locks the call row first (references are numbered per call) and then the application row; refuses
    after the call closes, and while any section is incomplete. Emails a receipt on commit."""
    require(actor, Action.APPLY, application)
    _require_confirmed(actor)
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.DRAFT:
            if locked.submitted_at is not None and locked.status != ApplicationStatus.WITHDRAWN:
                return locked, False
            raise SubmissionRefused(
                f"This application is {locked.get_status_display().lower()}, so it cannot be submitted.",
                code="not_draft",
            )
        if call.closed_early_at or now >= call.closes_at:
            closed = call.closed_early_at or call.closes_at
            raise SubmissionRefused(
                f"This call closed at {format_deadline(closed)}. Applications can no longer be submitted.",
                code="closed",
            )
        locked.call = call
        missing = [state for state in section_statuses(locked) if state.status != COMPLETED]
        if missing:
            raise SubmissionRefused(
                "Complete every section before you submit: " + ", ".join(s.title for s in missing) + ".",
                code="incomplete",
            )
        locked.reference = _next_reference(call)
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.save(update_fields=["reference", "submitted_at", "submitted_by", "updated_at"])
        change_application_status(
            locked, ApplicationStatus.SUBMITTED, actor=actor, data={"reference": locked.reference}
        )
        recipients = {actor.email, application.created_by.email}
        send_templated_email(
            to=sorted(recipients),
            subject=f"Application received: {locked.reference}",
            template="emails/application_received.txt",
            context={
                "application": locked,
                "call": call,
                "total": money(locked.total_requested),
                "submitted": format_deadline(now),
                "link": reverse("portal:application", kwargs={"pk": locked.pk}),
            },
        )
    application.refresh_from_db()
    return application, True


def withdraw_application(*, actor, application, reason):
    """Withdraw a submitted application before a decision. A reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are withdrawing this application."})
    require(actor, Action.APPLY, application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status in DECIDED or locked.status == ApplicationStatus.DRAFT:
            raise ValidationError(
                f"This application is {locked.get_status_display().lower()}, so it cannot be withdrawn.",
                code="not_withdrawable",
            )
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
        change_application_status(locked, ApplicationStatus.WITHDRAWN, actor=actor, comment=reason)
    application.refresh_from_db()
    return application


def released_decision(application):
    """The decision, once staff have released it to the provider; otherwise None."""
    try:
        decision = application.decision
    except Application.decision.RelatedObjectDoesNotExist:
        return None
    return decision if decision.released_at else None
