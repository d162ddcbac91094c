from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commissioning.demo import current_demo_code


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo staff account (DEBUG only; made by seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("demo_2fa_code only runs with DEBUG on: it exists for the demo accounts.")
        try:
            self.stdout.write(current_demo_code(email))
        except Exception as exc:
            raise CommandError(f"No demo authenticator for {email}: run `manage.py seed_demo` first.") from exc
