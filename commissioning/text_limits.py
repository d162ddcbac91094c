"""Rules for every free-text field of every form, in the portal and in the staff screens.

- Length: word limits (``word_limited``) do not stop one enormous "word" (1 MB pasted without spaces), and the
  model fields are unlimited TextFields, so every multi-line text field without its own ``max_length`` gets a
  cap, with a message that says the limit and how much was entered.
- Characters: one-line fields (names, titles, references) refuse line breaks and control characters (a line
  break in a name would break an email header); multi-line text refuses control characters other than line
  breaks and tabs (they break spreadsheets and email). The rule is ``limits.control_character_problem``, which
  model fields also use (``limits.one_line``), so imports and the Wagtail admin follow it too.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from .limits import RangeField, control_character_problem

LONG_TEXT_MAX_CHARS = 20_000
LONG_TEXT_MESSAGE = "This must be 20,000 characters or fewer. You entered %(show_value)d characters."


class CharacterRuleValidator:
    def __init__(self, field, one_line):
        self.field, self.one_line = field, one_line

    def __call__(self, value):
        problem = control_character_problem(value, one_line=self.one_line)
        if problem:
            raise ValidationError(f"{self.field.label or 'This'} {problem}.", code="control_character")


def limit_long_text(form):
    """Apply the length and character rules to every text field of ``form`` (this instance's copies)."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field, RangeField):
            continue
        multi_line = isinstance(field.widget, forms.Textarea)
        if multi_line and field.max_length is None:
            field.max_length = LONG_TEXT_MAX_CHARS
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX_CHARS, message=LONG_TEXT_MESSAGE))
        if not isinstance(field.widget, forms.PasswordInput) and not hasattr(field, "character_rule"):
            field.character_rule = CharacterRuleValidator(field, one_line=not multi_line)
            field.validators.append(field.character_rule)


class LongTextLimitMixin:
    """Applies the rules when the form is validated, so fields added in a subclass's __init__ count too."""

    def full_clean(self):
        limit_long_text(self)
        super().full_clean()
