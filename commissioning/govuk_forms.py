"""GOV.UK Design System rendering for ordinary Django forms (portal and returns).

``GovukFormMixin`` makes ``{{ form }}`` and ``{{ form.field.as_field_group }}`` render the Design
System's markup: labels, hints, inline error messages, error classes, fieldsets for radios and
checkboxes, ``aria-describedby`` joining hint and error, and the character-count component for
word-limited text. ``error_summary(*forms)`` gives the entries for the error summary at the top.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.deconstruct import deconstructible

from .text_limits import LongTextLimitMixin

# What separates words: whitespace, plus the invisible and blank-looking characters people use to glue words
# together and slip past a word limit (braille blank U+2800, Hangul fillers U+3164/U+115F/U+1160/U+FFA0, zero-width
# space, non-joiner and joiner U+200B-U+200D, word joiner U+2060, byte order mark U+FEFF, Mongolian vowel separator
# U+180E). cms/frontend/app.js counts with this same character class (a test compares them), so the count shown
# while typing is the count the server enforces.
WORD_SEPARATORS = (
    r"[\t\n\v\f\r \x1c-\x1f\x85\xa0\u115f\u1160\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060"
    r"\u2800\u3000\u3164\ufeff\uffa0]+"
)
_SEPARATORS = re.compile(WORD_SEPARATORS)


def count_words(text):
    """Words: runs of characters between separators (see WORD_SEPARATORS)."""
    return sum(1 for word in _SEPARATORS.split(text or "") if word)


@deconstructible
class WordLimitValidator:
    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        words = count_words(value)
        if words > self.limit:
            raise ValidationError(f"Use {self.limit} words or fewer. You have used {words} words.", code="word_limit")

    def __eq__(self, other):
        return isinstance(other, WordLimitValidator) and other.limit == self.limit


def word_limited(field, limit):
    """Attach a word limit to a text field: enforced on the server, counted as the user types."""
    field.validators.append(WordLimitValidator(limit))
    field.word_limit = limit
    return field


class GovukRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


_WIDGET_CLASSES = [
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.ClearableFileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    # CheckboxSelectMultiple subclasses RadioSelect in Django, so it must be matched first.
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input", ""),
    (forms.RadioSelect, "govuk-radios__input", ""),
    (forms.widgets.Input, "govuk-input", "govuk-input--error"),
]


class GovukBoundField(BoundField):
    @property
    def hint_id(self):
        return f"{self.auto_id}-hint"

    @property
    def error_id(self):
        return f"{self.auto_id}-error"

    @property
    def word_limit(self):
        return getattr(self.field, "word_limit", None)

    @property
    def is_choice_group(self):
        return isinstance(self.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))

    @property
    def is_single_checkbox(self):
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def described_by(self):
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        if self.word_limit:
            ids.append(f"{self.auto_id}-info")
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        for widget_type, css, error_css in _WIDGET_CLASSES:
            if isinstance(widget, widget_type):
                classes = [attrs.get("class", ""), css]
                if self.errors and error_css:
                    classes.append(error_css)
                if self.word_limit:
                    classes.append("govuk-js-character-count")
                attrs["class"] = " ".join(c for c in classes if c).strip()
                break
        if self.word_limit:
            attrs.setdefault("rows", 8)
        if self.described_by and not self.is_choice_group:
            attrs["aria-describedby"] = self.described_by
        return attrs


class GovukFormMixin(LongTextLimitMixin):
    default_renderer = GovukRenderer
    bound_field_class = GovukBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # CheckboxSelectMultiple subclasses RadioSelect in Django, so it is tested first.
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.template_name = "govuk/widgets/checkboxes.html"
                widget.option_template_name = "govuk/widgets/checkbox_option.html"
            elif isinstance(widget, forms.RadioSelect):
                widget.template_name = "govuk/widgets/radios.html"
                widget.option_template_name = "govuk/widgets/radio_option.html"

    def error_summary(self, prefix_anchor=True):
        """[(anchor, message)] for the GOV.UK error summary, in field order."""
        entries = []
        for message in self.non_field_errors():
            entries.append(("main-content", message))
        for name, field in self.fields.items():
            bound = self[name]
            for message in bound.errors:
                anchor = bound.auto_id
                if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                    anchor = f"{bound.auto_id}_0"
                entries.append((anchor, message))
        return entries


def error_summary(*forms_or_formsets):
    """Collect error-summary entries from forms and formsets, skipping unbound or valid ones."""
    entries = []
    for item in forms_or_formsets:
        if item is None:
            continue
        if hasattr(item, "forms"):  # a formset
            for message in item.non_form_errors():
                entries.append(("main-content", message))
            for form in item.forms:
                if hasattr(form, "error_summary"):
                    entries.extend(form.error_summary())
        elif hasattr(item, "error_summary"):
            entries.extend(item.error_summary())
    return entries
