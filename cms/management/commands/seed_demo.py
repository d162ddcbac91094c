from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms import demo as cms_demo
from commissioning import demo as commissioning_demo
from commissioning import demo_applications, demo_assessment
from outcomes import demo as outcomes_demo


class Command(BaseCommand):
    help = "Load the fictional demo programme (people, organisations, calls and more). Idempotent; DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with a published password.")
        with transaction.atomic():
            commissioning_demo.seed_people_and_organisations()
            commissioning_demo.seed_demo_second_factor()
            commissioning_demo.seed_calls()
            demo_assessment.seed_assessment()
            demo_applications.seed_portal_applications()
            outcomes_demo.seed_awards()
            cms_demo.seed_website()
        password = commissioning_demo.demo_password()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"Demo accounts (password {password}): commissioner@example.org, assessor1@example.org, "
            "assessor2@example.org, assessor3@example.org, executive@example.org, admin@example.org, "
            "provider@example.org"
        )
        self.stdout.write(
            "Staff need a second step to reach /admin/: `python manage.py demo_2fa_code commissioner@example.org` "
            "prints the demo account's current code."
        )
