from django.conf import settings
from django.db import models
from django.db.models import Q

from commissioning import limits
from commissioning.models.calls import MONEY


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held: return overdue"
    APPROVED = "approved", "Approved for payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class PaymentQuerySet(models.QuerySet):
    def paid(self):
        return self.filter(status=PaymentStatus.PAID)

    def outstanding(self):
        return self.filter(status__in=[PaymentStatus.SCHEDULED, PaymentStatus.HELD, PaymentStatus.APPROVED])


class Payment(models.Model):
    """One instalment of an award. In arrears, it is released by approving the linked quarterly return."""

    award = models.ForeignKey("outcomes.Award", on_delete=models.PROTECT, related_name="payments")
    sequence = models.PositiveSmallIntegerField(validators=[limits.SEQUENCE.validator])
    # Derived by the system (a return's due date can fall in January 2101), so checked only where a person or a
    # file supplies it, not by a database constraint.
    due_date = models.DateField(validators=[limits.DateRangeValidator()])
    amount = models.DecimalField(**MONEY, validators=[limits.MONEY.validator])
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED, db_index=True
    )
    quarterly_return = models.OneToOneField(
        "outcomes.QuarterlyReturn", null=True, blank=True, on_delete=models.SET_NULL, related_name="payment"
    )
    is_advance = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True, validators=[limits.DateRangeValidator()])
    payment_reference = models.CharField(max_length=60, blank=True, validators=[limits.one_line])
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_reason = models.CharField(max_length=300, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["award", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["award", "sequence"], name="payment_unique_sequence"),
            limits.SEQUENCE.constraint("sequence", "payment_sequence_range"),
            limits.MONEY.constraint("amount", "payment_amount_range"),
            limits.date_constraint("paid_on", "payment_paid_on_range", null=True),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="payment_paid_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["paid_on"])]

    def __str__(self):
        return f"{self.award.reference} payment {self.sequence}: £{self.amount}"
