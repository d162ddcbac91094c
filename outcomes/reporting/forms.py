from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from commissioning.fiscal import financial_year_label
from commissioning.models import Call, Organisation, Theme

from .selectors import Filters, financial_years_available

ALL_YEARS = "all"


class OptionsInPythonSelect(forms.Select):
    """The same <select> markup as Django's Select, with the options written here rather than through one
    template render per option: the provider list has hundreds, which made the filter bar the slowest part
    of the reporting pages."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class ReportFilterForm(forms.Form):
    year = forms.ChoiceField(label="Financial year", required=False, widget=OptionsInPythonSelect)
    call = forms.ModelChoiceField(
        label="Call",
        queryset=Call.objects.order_by("-opens_at"),
        required=False,
        empty_label="All calls",
        widget=OptionsInPythonSelect,
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.filter(awards__isnull=False).distinct(),
        required=False,
        empty_label="All providers",
        widget=OptionsInPythonSelect,
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All themes",
        widget=OptionsInPythonSelect,
    )

    def __init__(self, *args, default_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        years = sorted(set(financial_years_available()) | {default_year}, reverse=True)
        self.fields["year"].choices = [(str(y), financial_year_label(y)) for y in years] + [(ALL_YEARS, "All years")]
        self.fields["year"].initial = str(default_year)

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or str(self.default_year)
        return Filters(
            financial_year=None if year == ALL_YEARS else int(year),
            call_id=data["call"].pk if data.get("call") else None,
            organisation_id=data["provider"].pk if data.get("provider") else None,
            theme=data["theme"].slug if data.get("theme") else None,
        )
