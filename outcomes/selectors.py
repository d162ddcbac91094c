"""Reads for outcomes' pages and queues: bounded queries whatever the data size."""

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from commissioning.permissions import approved_organisation_ids

from .models import Award, AwardStatus, Payment, PaymentStatus, QuarterlyReturn, ReturnStatus
from .models.returns import OPEN_RETURN_STATUSES


def provider_awards(user):
    """The user's organisations' awards (not declined ones) with their returns and payments."""
    return (
        Award.objects.filter(organisation_id__in=approved_organisation_ids(user))
        .select_related("organisation")
        .prefetch_related(
            Prefetch("returns", queryset=QuarterlyReturn.objects.order_by("financial_year", "quarter")),
            Prefetch("payments", queryset=Payment.objects.order_by("sequence")),
        )
        .order_by("-start_date", "reference")
    )


def provider_return(user, pk):
    return (
        QuarterlyReturn.objects.filter(award__organisation_id__in=approved_organisation_ids(user))
        .select_related("award", "award__organisation")
        .get(pk=pk)
    )


def provider_dashboard_summary(organisation_ids, today=None):
    """Counts and the next return due for the portal dashboard: a fixed number of queries."""
    today = today or timezone.localdate()
    awards = Award.objects.filter(organisation_id__in=organisation_ids)
    counts = awards.aggregate(
        offered=Count("pk", filter=Q(status=AwardStatus.OFFERED)),
        active=Count("pk", filter=Q(status=AwardStatus.ACTIVE)),
        closed=Count("pk", filter=Q(status=AwardStatus.CLOSED)),
    )
    returns = QuarterlyReturn.objects.filter(
        award__organisation_id__in=organisation_ids, award__status=AwardStatus.ACTIVE
    )
    next_due = returns.filter(status__in=OPEN_RETURN_STATUSES).select_related("award").order_by("due_date").first()
    needing_changes = list(
        returns.filter(status=ReturnStatus.CHANGES_REQUESTED).select_related("award").order_by("due_date")
    )
    paid = Payment.objects.filter(award__organisation_id__in=organisation_ids, status=PaymentStatus.PAID).aggregate(
        total=Sum("amount"), count=Count("pk")
    )
    return {
        "counts": counts,
        "next_due": next_due,
        "overdue": next_due is not None and next_due.due_date < today,
        "needing_changes": needing_changes,
        "paid_total": paid["total"],
        "paid_count": paid["count"],
    }


def commissioner_queue_counts(today=None):
    """Counts for the staff home panel; one query per model."""
    today = today or timezone.localdate()
    award_counts = Award.objects.aggregate(offered=Count("pk", filter=Q(status=AwardStatus.OFFERED)))
    return_counts = QuarterlyReturn.objects.filter(award__status=AwardStatus.ACTIVE).aggregate(
        to_review=Count("pk", filter=Q(status=ReturnStatus.SUBMITTED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_RETURN_STATUSES, due_date__lt=today)),
    )
    payment_counts = Payment.objects.filter(award__status=AwardStatus.ACTIVE).aggregate(
        to_approve=Count(
            "pk", filter=Q(status=PaymentStatus.SCHEDULED, is_advance=True, quarterly_return__isnull=True)
        ),
        to_record=Count("pk", filter=Q(status=PaymentStatus.APPROVED)),
        held=Count("pk", filter=Q(status=PaymentStatus.HELD)),
    )
    return {**award_counts, **return_counts, **payment_counts}
