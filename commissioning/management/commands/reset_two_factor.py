"""Remove a person's two-step sign-in devices (lost phone and recovery codes), after checking who they are.

Staff must then set up a new device at their next sign-in to the staff area. Audited.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from commissioning import audit
from commissioning.models import User


class Command(BaseCommand):
    help = "Reset two-step sign-in for one account (by email address)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--reason", required=True, help="Why, for the audit trail (e.g. a ticket number).")

    def handle(self, *args, email, reason, **options):
        try:
            user = User.objects.get_by_natural_key(email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No account has the email address {email!r}.") from None
        with transaction.atomic():
            totp, _ = TOTPDevice.objects.filter(user=user).delete()
            static, _ = StaticDevice.objects.filter(user=user).delete()
            audit.record(actor=None, action="security.2fa_reset", obj=user, comment=reason)
        self.stdout.write(
            f"Removed {totp + static} device record(s) for {user.email}. "
            "They will be asked to set up two-step sign-in again."
        )
