"""One length limit for every long free-text answer, in the portal and in the staff screens.

Word limits (``word_limited``) do not stop one enormous "word" (1 MB pasted without spaces), and the model
fields are unlimited TextFields, so every multi-line text field without its own ``max_length`` gets this
cap, with a message that says the limit and how much was entered.
"""

from django import forms
from django.core.validators import MaxLengthValidator

LONG_TEXT_MAX_CHARS = 20_000
LONG_TEXT_MESSAGE = "This must be 20,000 characters or fewer. You entered %(show_value)d characters."


def limit_long_text(form):
    """Cap every multi-line CharField of ``form`` (this instance's copies) that has no max_length."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea) and field.max_length is None:
            field.max_length = LONG_TEXT_MAX_CHARS
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX_CHARS, message=LONG_TEXT_MESSAGE))


class LongTextLimitMixin:
    """Applies the cap when the form is validated, so fields added in a subclass's __init__ count too."""

    def full_clean(self):
        limit_long_text(self)
        super().full_clean()
