"""How staff forms look and behave in the Wagtail admin: the one shared layer for every staff form.

``StaffFormMixin`` renders ``{{ form }}`` with Wagtail's own field component (``{% formattedfield %}``),
labels without a trailing colon, an error summary at the top that links to each field, and date fields
as ``<input type="date">`` with the ISO value (``2026-11-01``) browsers need to show it. A form may
declare a grid of fields (``grids()``), drawn as a table instead of one long list.
"""

from django import forms
from django.forms.renderers import DjangoTemplates

from .text_limits import LongTextLimitMixin

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601: a value like "01/11/2026" shows a blank field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class StaffRenderer(DjangoTemplates):
    form_template_name = "commissioning/admin/forms/form.html"
    field_template_name = "commissioning/admin/forms/field.html"


class FieldGrid:
    """Fields laid out as rows × columns (for example indicator × quarter), one labelled input per cell."""

    def __init__(self, *, caption, row_heading, columns, rows, help_text=""):
        self.caption = caption
        self.row_heading = row_heading
        self.columns = columns  # [column heading]
        self.rows = rows  # [(row heading, [bound field or None per column])]
        self.help_text = help_text

    @property
    def field_names(self):
        return {cell.name for _, cells in self.rows for cell in cells if cell is not None}


class StaffFormMixin(LongTextLimitMixin):
    default_renderer = StaffRenderer

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput) and not isinstance(field.widget, IsoDateInput):
                attrs = {key: value for key, value in field.widget.attrs.items() if key != "type"}
                field.widget = IsoDateInput(attrs=attrs)

    def grids(self):
        """Grids of fields drawn as tables; their fields are left out of the ordinary list."""
        return []

    def listed_fields(self):
        in_grids = set().union(*(grid.field_names for grid in self.grids())) if self.grids() else set()
        return [field for field in self.visible_fields() if field.name not in in_grids]

    def error_summary(self):
        """[(anchor, message)] for the summary at the top of the page, in field order."""
        entries = [("", message) for message in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            anchor = f"{bound.auto_id}_0" if bound.use_fieldset else bound.auto_id
            label = bound.label
            entries.extend((anchor, f"{label}: {message}") for message in bound.errors)
        return entries


# --------------------------------------------------------------------------------------------------
# Check and confirm: irreversible actions (submit scores, release decisions, offer or close an award)
# show what will happen and ask again. Plain forms and buttons, so it works without JavaScript.

CONFIRM_NAME = "confirmed"
CHANGE_NAME = "change"


def is_confirmed(request):
    return request.method == "POST" and request.POST.get(CONFIRM_NAME) == "yes"


def wants_change(request):
    """The "Go back and change" button on a confirmation page: show the form again with what was typed."""
    return request.method == "POST" and CHANGE_NAME in request.POST


def display_value(field, value):
    """How a cleaned value reads on a confirmation page (formats from commissioning.formats)."""
    from decimal import Decimal

    from . import formats

    if value in (None, "", [], ()):
        return "None"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(field.label_from_instance(item) for item in value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, Decimal):
        label = str(field.label)
        if "£" in label:
            return formats.money(value)
        return formats.percent(value, places=2) if "(%)" in label else formats.figure(value)
    if isinstance(field, forms.DateField):
        return formats.govuk_date(value)
    return str(value)


def summary_rows(form):
    """[(label, value)] for every listed field of a valid form (grid cells are summarised by the view)."""
    names = {field.name for field in form.listed_fields()}
    return [
        (form[name].label, display_value(field, form.cleaned_data.get(name)))
        for name, field in form.fields.items()
        if name in names
    ]


def check_and_confirm(
    request, *, title, action, summary, warning, back_url, form=None, subtitle="", extra_hidden=None, status=200
):
    """The confirmation page: what will happen, the answers carried as hidden fields, confirm or change."""
    from django.template.response import TemplateResponse

    return TemplateResponse(
        request,
        "commissioning/admin/confirm.html",
        {
            "title": title,
            "subtitle": subtitle,
            "action": action,
            "summary": summary,
            "warning": warning,
            "form": form,
            "back_url": back_url,
            "extra_hidden": (extra_hidden or {}).items(),
            "confirm_name": CONFIRM_NAME,
            "change_name": CHANGE_NAME,
        },
        status=status,
    )
