from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .. import limits
from .calls import MONEY

SCORE_DESCRIPTORS = {
    0: "Unacceptable: no evidence, or does not meet the requirement",
    1: "Poor: major gaps or weaknesses",
    2: "Weak: meets the requirement only in part",
    3: "Satisfactory: meets the requirement",
    4: "Good: meets the requirement with some strengths",
    5: "Excellent: exceeds the requirement, with strong evidence",
}


class EligibilityItem(models.TextChoices):
    GOVERNANCE = "governance", "Governance"
    ACCOUNTS = "accounts", "Accounts"
    SAFEGUARDING = "safeguarding", "Safeguarding policy"
    INSURANCE = "insurance", "Insurance"
    EQUALITIES = "equalities", "Equalities"


class EligibilityCheck(models.Model):
    """One due-diligence item, passed or failed, with notes."""

    application = models.ForeignKey(
        "commissioning.Application", on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    item = models.CharField(max_length=16, choices=EligibilityItem.choices)
    passed = models.BooleanField()
    notes = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="eligibility_unique_item")]


class AssessmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Waiting for conflict declaration"
    NO_CONFLICT = "no_conflict", "No conflict declared: scoring"
    CONFLICTED = "conflicted", "Conflict declared"
    SUBMITTED = "submitted", "Scores submitted"


class AssessmentQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=AssessmentStatus.CONFLICTED)


class Assessment(models.Model):
    """One assessor's assessment of one application: assignment, conflict declaration and scores."""

    application = models.ForeignKey("commissioning.Application", on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.ASSIGNED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    conflict_description = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Weighted total 0–100, stored when scores are submitted (computed from the call's weights).
    weighted_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["application", "assessor__email"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="assessment_unique_assessor"),
        ]


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("commissioning.Criterion", on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(5)])
    comment = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=5), name="score_0_to_5"),
        ]


class ModeratedScore(models.Model):
    """The panel's agreed score for one criterion, with its rationale."""

    application = models.ForeignKey(
        "commissioning.Application", on_delete=models.CASCADE, related_name="moderated_scores"
    )
    criterion = models.ForeignKey("commissioning.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(5)])
    rationale = models.TextField()
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="moderated_score_unique_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=5), name="moderated_score_0_to_5"),
        ]


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    RESERVE = "reserve", "Reserve list"


class Decision(models.Model):
    """The accountable officer's decision. Recorded first, released to the provider later."""

    application = models.OneToOneField("commissioning.Application", on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=8, choices=DecisionOutcome.choices)
    approved_amount = models.DecimalField(**MONEY, null=True, blank=True, validators=[limits.MONEY.validator])
    reduction_reason = models.TextField(blank=True)
    feedback = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            limits.MONEY.constraint("approved_amount", "decision_approved_amount_range", null=True),
        ]
