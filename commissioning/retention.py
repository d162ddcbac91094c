"""Retention and privacy: anonymise old unsuccessful applications and deactivate unused provider accounts.

Run by ``manage.py apply_retention`` (a dry run unless ``--apply``). What is kept: amounts (budget lines),
themes, statuses, dates, call and organisation, so funding statistics stay true. What goes: every
free-text field a person wrote about the project or about the decision, and the attachments.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from . import audit
from .models import (
    Answer,
    Application,
    ApplicationStatus,
    Assessment,
    Attachment,
    AuditEntry,
    BudgetLine,
    Decision,
    EligibilityCheck,
    ModeratedScore,
    Score,
    User,
)
from .roles import STAFF_ROLES

UNSUCCESSFUL = [ApplicationStatus.REJECTED, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN]
ANONYMISED_TITLE = "Anonymised application"
# Free text on the application itself. Amounts, counts, partner codes and themes stay.
APPLICATION_TEXT_FIELDS = [
    "summary",
    "need_and_evidence",
    "delivery_plan",
    "beneficiaries",
    "safeguarding_approach",
    "themes_how",
    "other_partners",
    "withdrawn_reason",
    "ineligible_reason",
]


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


@dataclass
class RetentionPlan:
    now: dt.datetime
    application_cutoff: dt.datetime
    account_cutoff: dt.datetime
    applications: list = field(default_factory=list)  # (application, ended_at)
    accounts: list = field(default_factory=list)


def applications_due(now, cutoff):
    """Unsuccessful, not yet anonymised, whose end (decision, withdrawal or ineligibility) is before cutoff."""
    application_type = ContentType.objects.get_for_model(Application)
    entered_status_at = Subquery(
        AuditEntry.objects.filter(
            content_type=application_type,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            to_state=OuterRef("status"),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        Application.objects.filter(status__in=UNSUCCESSFUL, anonymised_at__isnull=True)
        .annotate(
            ended_at=Coalesce(
                # Rejected: the decision date. Withdrawn: when withdrawn. Ineligible: the audit entry.
                F("decision__decided_at"),
                F("withdrawn_at"),
                entered_status_at,
                F("updated_at"),
            )
        )
        .filter(ended_at__lt=cutoff)
        .select_related("call", "organisation")
        .order_by("ended_at", "pk")
    )


def accounts_due(cutoff):
    """Active provider accounts not used since cutoff (or, never signed in, joined before it). Never staff."""
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(groups__name__in=[str(role) for role in STAFF_ROLES])
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("email")
    )


def plan(now=None):
    now = now or timezone.now()
    application_cutoff = years_before(now, settings.RETENTION_UNSUCCESSFUL_YEARS)
    account_cutoff = now - dt.timedelta(days=settings.RETENTION_INACTIVE_ACCOUNT_DAYS)
    result = RetentionPlan(now=now, application_cutoff=application_cutoff, account_cutoff=account_cutoff)
    result.applications = [(app, app.ended_at) for app in applications_due(now, application_cutoff)]
    result.accounts = list(accounts_due(account_cutoff))
    return result


def anonymise_application(application, *, now):
    """Blank one application's free text and delete its attachments (files after commit)."""
    for name in APPLICATION_TEXT_FIELDS:
        setattr(application, name, "")
    application.project_title = ANONYMISED_TITLE
    application.anonymised_at = now
    application.save(update_fields=[*APPLICATION_TEXT_FIELDS, "project_title", "anonymised_at", "updated_at"])
    Answer.objects.filter(application=application).update(text="")
    BudgetLine.objects.filter(application=application).update(description="Anonymised")
    Decision.objects.filter(application=application).update(feedback="", reduction_reason="")
    Score.objects.filter(assessment__application=application).update(comment="")
    Assessment.objects.filter(application=application).update(conflict_description="")
    EligibilityCheck.objects.filter(application=application).update(notes="")
    ModeratedScore.objects.filter(application=application).update(rationale="")
    attachments = list(Attachment.objects.filter(application=application))
    names = [attachment.file.name for attachment in attachments]
    storage = Attachment._meta.get_field("file").storage
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()

    def delete_files():
        for name in names:
            if name and storage.exists(name):
                storage.delete(name)

    # Only once the rows are gone for good: a rolled-back run must not lose files.
    transaction.on_commit(delete_files)
    return len(attachments)


def apply(retention_plan):
    """Carry out a plan in one transaction, with an audit entry per change (actor None: the system)."""
    attachments_deleted = 0
    with transaction.atomic():
        for application, ended_at in retention_plan.applications:
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.anonymised_at is not None:
                continue
            count = anonymise_application(application, now=retention_plan.now)
            attachments_deleted += count
            audit.record(
                actor=None,
                action="retention.application_anonymised",
                obj=application,
                comment=(
                    f"Unsuccessful ({application.status}) since {ended_at:%Y-%m-%d}; {count} attachment(s) deleted."
                ),
                data={"ended_at": ended_at.isoformat(), "attachments_deleted": count},
            )
        for user in retention_plan.accounts:
            User.objects.filter(pk=user.pk).update(is_active=False)
            audit.record(
                actor=None,
                action="retention.account_deactivated",
                obj=user,
                comment=f"Not used since {(user.last_login or user.date_joined):%Y-%m-%d}.",
            )
    return attachments_deleted
