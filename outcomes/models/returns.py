from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning import limits
from commissioning.models.calls import MONEY


class ReturnStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


OPEN_RETURN_STATUSES = [ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.CHANGES_REQUESTED]


class QuarterlyReturnQuerySet(models.QuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today, status__in=OPEN_RETURN_STATUSES)

    def for_organisation(self, organisation):
        return self.filter(award__organisation=organisation)


class QuarterlyReturn(models.Model):
    """A provider's monitoring return for one UK financial-year quarter of an award. Aggregate figures only."""

    award = models.ForeignKey("outcomes.Award", on_delete=models.PROTECT, related_name="returns")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts: 2026 = 2026/27.", validators=[limits.FINANCIAL_YEAR.validator]
    )
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.NOT_STARTED, db_index=True
    )
    progress_narrative = models.TextField(blank=True)
    challenges_and_risks = models.TextField(blank=True)
    case_study = models.TextField(blank=True)
    case_study_confirmed_anonymous = models.BooleanField(default=False)
    safeguarding_incidents = models.PositiveIntegerField(null=True, blank=True, validators=[limits.INCIDENTS.validator])
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuarterlyReturnQuerySet.as_manager()

    class Meta:
        ordering = ["award", "financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["award", "financial_year", "quarter"], name="return_unique_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="return_quarter_1_to_4"),
            limits.INCIDENTS.constraint("safeguarding_incidents", "return_safeguarding_incidents_range", null=True),
            limits.FINANCIAL_YEAR.constraint("financial_year", "return_financial_year_range"),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.award.reference} {self.financial_year}/{(self.financial_year + 1) % 100:02d} Q{self.quarter}"

    @property
    def period_label(self):
        return f"Q{self.quarter} {self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    def is_overdue(self, today=None):
        return self.status in OPEN_RETURN_STATUSES and self.due_date < (today or timezone.localdate())


class IndicatorResult(models.Model):
    """The actual figure for one indicator in one return."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey("commissioning.Indicator", on_delete=models.PROTECT, related_name="results")
    actual = models.DecimalField(max_digits=12, decimal_places=2, validators=[limits.FIGURE.validator])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "indicator"], name="result_unique_indicator"),
            limits.FIGURE.constraint("actual", "result_actual_range"),
        ]


class ReturnSpend(models.Model):
    """Spend in the quarter against one of the award's budget lines."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="spend_lines")
    budget_line = models.ForeignKey("commissioning.BudgetLine", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY, validators=[limits.MONEY.validator])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "budget_line"], name="spend_unique_budget_line"),
            limits.MONEY.constraint("amount", "spend_amount_range"),
        ]


class ReturnRound(models.Model):
    """One submission of a return and its review. Every round is kept."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(help_text="The figures and text as submitted in this round.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    comments = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quarterly_return", "number"]
        constraints = [models.UniqueConstraint(fields=["quarterly_return", "number"], name="round_unique_number")]
