import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from commissioning.audit import record
from commissioning.formats import govuk_date
from commissioning.models import Membership
from commissioning.notifications import send_templated_email
from outcomes.models import AwardStatus, QuarterlyReturn
from outcomes.models.returns import OPEN_RETURN_STATUSES
from outcomes.services.returns import hold_overdue_payments

DUE_SOON_DAYS = 7


def _recipients(organisation_ids):
    by_org = {}
    for org_id, email in (
        Membership.objects.approved()
        .filter(organisation_id__in=organisation_ids)
        .values_list("organisation_id", "user__email")
    ):
        by_org.setdefault(org_id, []).append(email)
    return by_org


class Command(BaseCommand):
    help = (
        "Email providers 7 days before a quarterly return is due and the day after it becomes overdue (once "
        "each), and hold the payments of overdue returns. Run daily from cron; safe to run more than once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Pretend today is YYYY-MM-DD (testing).")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        open_returns = QuarterlyReturn.objects.filter(
            status__in=OPEN_RETURN_STATUSES, award__status=AwardStatus.ACTIVE
        ).select_related("award")
        due_soon = list(
            open_returns.filter(
                due_reminder_sent_at__isnull=True,
                due_date__gte=today,
                due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            )
        )
        overdue = list(open_returns.filter(overdue_reminder_sent_at__isnull=True, due_date__lt=today))
        recipients = _recipients({r.award.organisation_id for r in due_soon + overdue})
        sent = 0
        for quarterly_return, kind in [(r, "due") for r in due_soon] + [(r, "overdue") for r in overdue]:
            with transaction.atomic():
                # Claim the reminder first so a second run (even a concurrent one) sends nothing more.
                field = "due_reminder_sent_at" if kind == "due" else "overdue_reminder_sent_at"
                claimed = QuarterlyReturn.objects.filter(pk=quarterly_return.pk, **{f"{field}__isnull": True}).update(
                    **{field: timezone.now()}
                )
                if not claimed:
                    continue
                subject = (
                    f"Your {quarterly_return.period_label} return for {quarterly_return.award.reference} is due on "
                    f"{govuk_date(quarterly_return.due_date)}"
                    if kind == "due"
                    else f"Overdue: your {quarterly_return.period_label} return for {quarterly_return.award.reference}"
                )
                send_templated_email(
                    to=recipients.get(quarterly_return.award.organisation_id, []),
                    subject=subject,
                    template=f"emails/return_{'due_soon' if kind == 'due' else 'overdue'}.txt",
                    context={"quarterly_return": quarterly_return},
                )
                record(actor=None, action=f"return.reminder_{kind}", obj=quarterly_return)
                sent += 1
        held = hold_overdue_payments(today=today)
        self.stdout.write(f"Sent {sent} reminder(s); held {held} payment(s).")
