import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from .. import formats, limits
from .calls import MONEY


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INELIGIBLE = "ineligible", "Ineligible"
    UNDER_ASSESSMENT = "under_assessment", "Under assessment"
    SCORED = "scored", "Scored"
    MODERATED = "moderated", "Moderated"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RESERVE = "reserve", "Reserve list"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Partner(models.TextChoices):
    """BCSP partners named in the strategy, for the partnership-working question."""

    DA_BOARD = "da_board", "Bexley Domestic Abuse Strategic Partnership Board"
    BVSC = "bvsc", "Bexley Voluntary Service Council"
    DA_CHAMPIONS = "da_champions", "Bexley Domestic Abuse Champions"
    MPS_JET = "mps_jet", "Metropolitan Police Service Joint Engagement Team"
    YOUTH_GROUPS = "youth_groups", "Youth groups"
    WELLBEING = "wellbeing", "Bexley Wellbeing Partnership"


class ApplicationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def submitted(self):
        return self.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])


class Application(models.Model):
    """A provider's bid to a call. Editable while a draft; locked once submitted."""

    call = models.ForeignKey("commissioning.Call", on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    # Copied from the call when the application starts: the database enforces one per organisation per call.
    multiple_allowed = models.BooleanField(default=False, editable=False)
    reference = models.CharField(max_length=30, unique=True, null=True, blank=True)

    # "Your project"
    project_title = models.CharField(max_length=200, blank=True, validators=[limits.one_line])
    summary = models.TextField(blank=True)
    need_and_evidence = models.TextField(blank=True)
    delivery_plan = models.TextField(blank=True)
    beneficiaries = models.TextField("who benefits", blank=True)
    beneficiary_count = models.PositiveIntegerField(
        "how many people will benefit",
        null=True,
        blank=True,
        help_text="An aggregate number: never names.",
        validators=[limits.PEOPLE.validator],
    )
    partners = models.JSONField(default=list, blank=True, help_text="Codes from Partner.")
    other_partners = models.TextField(blank=True)
    safeguarding_approach = models.TextField(blank=True)
    # "Themes and outcomes"
    themes = models.ManyToManyField("commissioning.Theme", blank=True, related_name="applications")
    themes_how = models.TextField("how the project addresses these themes", blank=True)
    # "Declarations"
    declares_information_true = models.BooleanField(default=False)
    declares_policies_in_place = models.BooleanField(default=False)
    declares_data_protection = models.BooleanField(default=False)
    # Which task-list sections the provider has marked complete (and that validated when marked).
    completed_sections = models.JSONField(default=list, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    ineligible_reason = models.TextField(blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=Q(multiple_allowed=False) & ~Q(status="withdrawn"),
                name="application_one_per_org_per_call",
            ),
            limits.PEOPLE.constraint("beneficiary_count", "application_beneficiary_count_range", null=True),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return self.reference or f"Draft: {self.project_title or 'untitled'} ({self.organisation})"

    @property
    def is_editable(self):
        return self.status == ApplicationStatus.DRAFT

    @property
    def total_requested(self):
        """Sum of budget lines; uses prefetched lines when present."""
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0.00"))


class BudgetCategory(models.TextChoices):
    STAFF = "staff", "Staff"
    DELIVERY = "delivery", "Delivery costs"
    OVERHEADS = "overheads", "Overheads"
    VOLUNTEERS = "volunteers", "Volunteers' expenses"
    OTHER = "other", "Other"


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=12, choices=BudgetCategory.choices)
    description = models.CharField(max_length=300, validators=[limits.one_line])
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts: 2026 = 2026/27.", validators=[limits.FINANCIAL_YEAR.validator]
    )
    amount = models.DecimalField(**MONEY, validators=[limits.MONEY.validator])

    class Meta:
        ordering = ["financial_year", "pk"]
        constraints = [
            limits.MONEY.constraint("amount", "budget_line_amount_range"),
            limits.FINANCIAL_YEAR.constraint("financial_year", "budget_line_financial_year_range"),
        ]

    def __str__(self):
        return (
            f"{self.get_category_display()}: {self.description} ({formats.financial_year(self.financial_year)}) "
            f"{formats.money(self.amount)}"
        )


class ProposedOutcome(models.Model):
    """An indicator the provider proposes to report against: from the library, or custom."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="proposed_outcomes")
    indicator = models.ForeignKey(
        "commissioning.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    custom_name = models.CharField(max_length=200, blank=True, validators=[limits.one_line])
    custom_unit = models.CharField(max_length=12, blank=True)
    custom_theme = models.ForeignKey(
        "commissioning.Theme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False) | ~Q(custom_name=""), name="proposed_outcome_has_indicator"
            ),
        ]

    def __str__(self):
        return self.indicator.name if self.indicator_id else self.custom_name


class ProposedTarget(models.Model):
    outcome = models.ForeignKey(ProposedOutcome, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(validators=[limits.FINANCIAL_YEAR.validator])
    target = models.DecimalField(max_digits=12, decimal_places=2, validators=[limits.FIGURE.validator])

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "financial_year"], name="proposed_target_unique_year"),
            limits.FIGURE.constraint("target", "proposed_target_range"),
            limits.FINANCIAL_YEAR.constraint("financial_year", "proposed_target_financial_year_range"),
        ]


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("commissioning.Question", on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="answer_unique_question")]


class AttachmentKind(models.TextChoices):
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
    ACCOUNTS = "accounts", "Latest accounts"
    OTHER = "other", "Other supporting document"


def attachment_path(instance, filename):
    # Random component: stored names never reveal or collide with the provider's file name.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Attachment(models.Model):
    """A supporting document, stored privately and served only through a permission-checked view.

    Download URLs name the attachment by ``token``, a random UUID, never by its sequential id: one file's
    address tells nothing about any other's. Every download is still permission-checked."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=24, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.original_name
