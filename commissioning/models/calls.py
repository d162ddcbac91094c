from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .. import limits

MONEY = {"max_digits": 12, "decimal_places": 2}


class CallStatus(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CallQuerySet(models.QuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now, closed_early_at__isnull=True)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__gt=now, closed_early_at__isnull=True)

    def closed(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(closes_at__lte=now) | Q(closed_early_at__isnull=False))


class CallManager(models.Manager.from_queryset(CallQuerySet)):
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class Call(ClusterableModel):
    """A funding call for innovative projects against one or more strategy themes."""

    reference = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}-\d{4}-\d{2}$", "Use a reference like BCSP-2026-01.")],
    )
    title = models.CharField(max_length=200, validators=[limits.one_line])
    summary = models.TextField()
    themes = ParentalManyToManyField("commissioning.Theme", related_name="calls")
    total_budget = models.DecimalField(**MONEY, validators=[limits.MONEY_POSITIVE.validator])
    min_grant = models.DecimalField("minimum grant", **MONEY, validators=[limits.MONEY.validator])
    max_grant = models.DecimalField("maximum grant", **MONEY, validators=[limits.MONEY_POSITIVE.validator])
    opens_at = models.DateTimeField(validators=[limits.DateRangeValidator()])
    closes_at = models.DateTimeField(validators=[limits.DateRangeValidator()])
    closed_early_at = models.DateTimeField(null=True, blank=True, validators=[limits.DateRangeValidator()])
    closed_early_reason = models.CharField(max_length=300, blank=True, validators=[limits.one_line])
    eligibility = models.TextField(help_text="Who may apply.")
    max_project_months = models.PositiveSmallIntegerField(
        "maximum project length (months)", default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    allow_multiple_applications = models.BooleanField(
        default=False, help_text="Let one organisation submit more than one application to this call."
    )
    min_criterion_score = models.PositiveSmallIntegerField(
        "minimum score per criterion",
        default=0,
        validators=[MaxValueValidator(5)],
        help_text="Applications scoring below this on any criterion are flagged (0 turns it off).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallManager()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opens"),
            models.CheckConstraint(condition=Q(min_grant__lte=models.F("max_grant")), name="call_min_le_max"),
            models.CheckConstraint(condition=Q(max_grant__lte=models.F("total_budget")), name="call_max_le_budget"),
            limits.MONEY_POSITIVE.constraint("total_budget", "call_total_budget_range"),
            limits.MONEY.constraint("min_grant", "call_min_grant_range"),
            limits.MONEY_POSITIVE.constraint("max_grant", "call_max_grant_range"),
            limits.date_constraint("opens_at", "call_opens_at_range", datetime=True),
            limits.date_constraint("closes_at", "call_closes_at_range", datetime=True),
            limits.date_constraint("closed_early_at", "call_closed_early_at_range", null=True, datetime=True),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def natural_key(self):
        return (self.reference,)

    def status_at(self, now=None):
        now = now or timezone.now()
        if self.closed_early_at or now >= self.closes_at:
            return CallStatus.CLOSED
        if now < self.opens_at:
            return CallStatus.UPCOMING
        return CallStatus.OPEN

    @property
    def status(self):
        return self.status_at()

    def get_status_display(self):
        return CallStatus(self.status).label

    @property
    def is_open(self):
        return self.status == CallStatus.OPEN

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = "The closing date must be after the opening date."
        if self.min_grant is not None and self.max_grant is not None and self.min_grant > self.max_grant:
            errors["min_grant"] = "The minimum grant cannot be more than the maximum grant."
        if self.total_budget is not None and self.max_grant is not None and self.total_budget < self.max_grant:
            errors["total_budget"] = "The total budget cannot be less than the maximum grant."
        if errors:
            raise ValidationError(errors)


class Criterion(Orderable):
    """A scoring criterion with its weight; a call's weights sum to 100."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200, validators=[limits.one_line])
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta(Orderable.Meta):
        verbose_name_plural = "criteria"

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


class Question(Orderable):
    """An extra question a call asks, with its word limit."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500, validators=[limits.one_line])
    help_text = models.TextField(blank=True)
    word_limit = models.PositiveIntegerField(default=250, validators=[MinValueValidator(1), MaxValueValidator(5000)])
    required = models.BooleanField(default=True)

    def __str__(self):
        return self.text
