"""Forms shared by the admin and the portal."""

from wagtail.admin.forms import WagtailAdminModelForm

from . import limits


def _order_or_none(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 1_000_000 else None


class CallAdminForm(WagtailAdminModelForm):
    """The call form in the Wagtail admin: model rules plus rules across the inline criteria. Money is
    typed as people write it ("£240,000") and checked against its range with one message."""

    total_budget = limits.RangeField(limits.MONEY_POSITIVE, label="Total budget")
    min_grant = limits.RangeField(limits.MONEY, label="Minimum grant")
    max_grant = limits.RangeField(limits.MONEY_POSITIVE, label="Maximum grant")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The hidden sort-order field of the criteria and questions: Wagtail's inline panel sorts a refused form by
        # it and fails (KeyError) when it did not validate, so a tampered value is read as "no order" instead.
        for formset in getattr(self, "formsets", {}).values():
            for form in formset.forms:
                if "ORDER" in form.fields:
                    form.fields["ORDER"].to_python = _order_or_none

    def clean(self):
        cleaned = super().clean()
        themes = cleaned.get("themes")
        if themes is not None and len(themes) == 0:
            self.add_error("themes", "Choose at least one strategy theme for the call.")
        criteria = self.formsets.get("criteria") if hasattr(self, "formsets") else None
        if criteria is not None and all(form.is_valid() for form in criteria.forms):
            live = [
                form
                for form in criteria.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
            ]
            total = sum(form.cleaned_data.get("weight") or 0 for form in live)
            if not live:
                self.add_error(None, "Add at least one scoring criterion.")
            elif total != 100:
                self.add_error(None, f"The criteria weights must add up to 100. They add up to {total}.")
        return cleaned
