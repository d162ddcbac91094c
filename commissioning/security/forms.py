from django import forms
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from ..forms_portal import PlainTextResetEmail
from ..govuk_forms import GovukFormMixin


class StaffPasswordResetForm(PlainTextResetEmail, WagtailPasswordResetForm):
    """The staff area's "Forgotten password?" (settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM): its email is
    written and sent like every other one, with a link back to the staff area."""

    email_template = "emails/staff_password_reset.txt"


class TokenForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the security code"},
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


class SetupTokenForm(TokenForm):
    token = forms.CharField(
        label="Security code",
        max_length=6,
        min_length=6,
        help_text="The 6-digit code your authenticator app shows after you add the account.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "Enter the 6-digit security code",
            "max_length": "Enter the 6-digit security code",
        },
    )
