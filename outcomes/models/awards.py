from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from commissioning import limits
from commissioning.models.calls import MONEY

# Theme slug -> the Award column holding its share in basis points (hundredths of a percent: 10000 = 100%).
# Four integer columns rather than rows so that the database itself guarantees, exactly and on SQLite too,
# that every award's allocation sums to 100 %.
ALLOCATION_FIELDS = {
    "prevention": "prevention_bp",
    "support": "support_bp",
    "perpetrators": "perpetrators_bp",
    "trust": "trust_bp",
}
FULL_ALLOCATION_BP = 10000

BASIS_POINTS = {"default": 0, "validators": [limits.ALLOCATION_BP.validator]}


class AwardStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    DECLINED = "declined", "Declined"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class PaymentBasis(models.TextChoices):
    ARREARS = "arrears", "Quarterly in arrears"
    ADVANCE = "advance", "Quarterly in advance"


class AwardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=AwardStatus.ACTIVE)

    def committed(self):
        """Awards that count against budgets and spend: offered, active or closed (not declined)."""
        return self.exclude(status=AwardStatus.DECLINED)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class AwardManager(models.Manager.from_queryset(AwardQuerySet)):
    def get_by_natural_key(self, reference):
        return self.get(reference=reference)


class Award(models.Model):
    """A grant made from an approved application (or imported from before the system)."""

    reference = models.CharField(max_length=40, unique=True, validators=[limits.one_line])
    application = models.OneToOneField(
        "commissioning.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    call = models.ForeignKey(
        "commissioning.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    organisation = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="awards")
    # The recipient's name when the award was made: what open data publishes, whatever the organisation is
    # called later. Set on the award's first save (every way of making one: service, import, fixtures).
    recipient_name = models.CharField(max_length=200, editable=False)
    title = models.CharField(max_length=200, validators=[limits.one_line])
    description = models.TextField()
    amount = models.DecimalField(**MONEY, validators=[limits.MONEY.validator])
    amount_applied_for = models.DecimalField(**MONEY, null=True, blank=True, validators=[limits.MONEY.validator])
    start_date = models.DateField(validators=[limits.DateRangeValidator()])
    end_date = models.DateField(validators=[limits.DateRangeValidator()])
    status = models.CharField(max_length=10, choices=AwardStatus.choices, default=AwardStatus.OFFERED, db_index=True)
    is_historic = models.BooleanField(default=False, help_text="Imported from before the system.")

    prevention_bp = models.PositiveIntegerField("Preventing and reducing VAWG (basis points)", **BASIS_POINTS)
    support_bp = models.PositiveIntegerField("Supporting all victims and survivors (basis points)", **BASIS_POINTS)
    perpetrators_bp = models.PositiveIntegerField("Holding perpetrators to account (basis points)", **BASIS_POINTS)
    trust_bp = models.PositiveIntegerField("Building trust and confidence (basis points)", **BASIS_POINTS)

    conditions = models.TextField(blank=True)
    payment_basis = models.CharField(max_length=8, choices=PaymentBasis.choices, default=PaymentBasis.ARREARS)
    advance_reason = models.TextField(blank=True)

    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_name = models.CharField(
        "name typed on acceptance", max_length=200, blank=True, validators=[limits.one_line]
    )
    accepted_ip = models.GenericIPAddressField("IP address the agreement was accepted from", null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)

    final_spend = models.DecimalField(**MONEY, null=True, blank=True, validators=[limits.MONEY.validator])
    clawback_amount = models.DecimalField(**MONEY, null=True, blank=True, validators=[limits.MONEY.validator])
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AwardManager()

    class Meta:
        ordering = ["-start_date", "reference"]
        constraints = [
            limits.MONEY.constraint("amount", "award_amount_range"),
            limits.MONEY.constraint("amount_applied_for", "award_amount_applied_for_range", null=True),
            limits.MONEY.constraint("final_spend", "award_final_spend_range", null=True),
            limits.MONEY.constraint("clawback_amount", "award_clawback_amount_range", null=True),
            limits.date_constraint("start_date", "award_start_date_range"),
            limits.date_constraint("end_date", "award_end_date_range"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="award_end_after_start"),
            *(
                limits.ALLOCATION_BP.constraint(field, f"award_{field}_range")
                for field in ("prevention_bp", "support_bp", "perpetrators_bp", "trust_bp")
            ),
            models.CheckConstraint(
                condition=Q(prevention_bp=FULL_ALLOCATION_BP - F("support_bp") - F("perpetrators_bp") - F("trust_bp")),
                name="award_allocation_sums_to_100",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["call", "status"])]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def natural_key(self):
        return (self.reference,)

    def save(self, *args, **kwargs):
        if not self.recipient_name and self.organisation_id:
            self.recipient_name = self.organisation.name
        super().save(*args, **kwargs)

    @property
    def allocation(self):
        """{theme slug: percentage as a Decimal with 2 places}."""
        return {slug: Decimal(getattr(self, field)) / 100 for slug, field in ALLOCATION_FIELDS.items()}


class IndicatorTarget(models.Model):
    """The target for one indicator in one financial-year quarter of an award."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey("commissioning.Indicator", on_delete=models.PROTECT, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(validators=[limits.FINANCIAL_YEAR.validator])
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    target = models.DecimalField(max_digits=12, decimal_places=2, validators=[limits.FIGURE.validator])

    class Meta:
        ordering = ["indicator__display_order", "financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "indicator", "financial_year", "quarter"], name="target_unique_quarter"
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="target_quarter_1_to_4"),
            limits.FIGURE.constraint("target", "target_range"),
            limits.FINANCIAL_YEAR.constraint("financial_year", "target_financial_year_range"),
        ]


class Variation(models.Model):
    """A recorded change to an award, with before and after values and who approved it."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="variations")
    reason = models.TextField()
    changes = models.JSONField(help_text="{field: [before, after]}")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
