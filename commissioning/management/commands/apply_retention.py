"""Anonymise old unsuccessful applications and deactivate unused provider accounts.

A dry run unless --apply: it lists what would change and changes nothing. Run daily from cron.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from commissioning import retention


class Command(BaseCommand):
    help = "Apply the retention policy (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Make the changes (default: only list them).")

    def handle(self, *args, **options):
        plan = retention.plan()
        act = options["apply"]
        anonymise, deactivate = ("Anonymise", "Deactivate") if act else ("Would anonymise", "Would deactivate")
        self.stdout.write(
            f"Retention: unsuccessful applications ended before {plan.application_cutoff:%Y-%m-%d} "
            f"({settings.RETENTION_UNSUCCESSFUL_YEARS} years); provider accounts unused since "
            f"{plan.account_cutoff:%Y-%m-%d} ({settings.RETENTION_INACTIVE_ACCOUNT_DAYS} days)."
        )
        for application, ended_at in plan.applications:
            label = application.reference or f"application {application.pk}"
            self.stdout.write(
                f"{anonymise} {label} ({application.get_status_display()}, "
                f"{application.organisation}, ended {ended_at:%Y-%m-%d}) and delete its attachments"
            )
        for user in plan.accounts:
            last = user.last_login or user.date_joined
            self.stdout.write(f"{deactivate} account {user.email} (last used {last:%Y-%m-%d})")
        if not act:
            self.stdout.write(
                f"Dry run: {len(plan.applications)} application(s) and {len(plan.accounts)} account(s) would change. "
                "Nothing was changed. Run with --apply to make these changes."
            )
            return
        deleted = retention.apply(plan)
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {len(plan.applications)} application(s) ({deleted} attachment(s) deleted) and "
                f"deactivated {len(plan.accounts)} account(s)."
            )
        )
