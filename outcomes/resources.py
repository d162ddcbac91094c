"""django-import-export resources for the spreadsheet import/export screens (outcomes/reporting/data_views.py).

Imports validate every row with the model's own ``full_clean`` (constraints included) plus the rules
below; the screen writes nothing unless the whole file is valid. Awards imported here are historic grants
from before the system: new ones are marked ``is_historic`` and awards made in the system cannot be changed
by import (they change through their own services and variations).
"""

from django.utils import timezone
from import_export import fields, resources, widgets

from commissioning import limits
from commissioning.models import Call, Indicator, Organisation, Theme
from outcomes.models import Award, AwardStatus, Payment, PaymentStatus

HISTORIC_STATUSES = {AwardStatus.ACTIVE, AwardStatus.CLOSED}


class RangeWidget(widgets.DecimalWidget):
    """A number column read with its range from commissioning/limits.py: one clear message per cell for
    text, NaN, infinity, 1e20, negative numbers or too many decimal places."""

    def __init__(self, range_, **kwargs):
        super().__init__(**kwargs)
        self.range = range_

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            return self.range.parse(value)
        except ValueError:
            raise ValueError(f"Enter {self.range.expectation}; the file has {str(value)[:40]!r}.") from None


class RangeDateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            day = super().clean(value, row, **kwargs)
        except (ValueError, TypeError):
            day = False
        if day is False or (day is not None and not limits.date_in_range(day)):
            shown = str(value)[:40]
            raise ValueError(f"Enter a date {limits.DATE_RANGE_TEXT}, like 2026-04-01; the file has {shown!r}.")
        return day


def ranged(name, range_):
    return fields.Field(attribute=name, column_name=name, widget=RangeWidget(range_))


def dated(name):
    return fields.Field(attribute=name, column_name=name, widget=RangeDateWidget())


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural field, with a message that says what was not found."""

    def __init__(self, model, field, label):
        super().__init__(model, field=field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f'There is no {self.label} "{value}". Check the spelling or import it first.') from None


class StrictResource(resources.ModelResource):
    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, messages in self.domain_errors(instance).items():
            errors.setdefault(name, []).extend(messages)
        super().validate_instance(instance, errors, validate_unique)

    def domain_errors(self, instance) -> dict:
        return {}


class OrganisationResource(StrictResource):
    class Meta:
        model = Organisation
        import_id_fields = ["name"]
        fields = [
            "name",
            "legal_form",
            "charity_number",
            "company_number",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "website",
            "is_specialist_vawg",
            "is_by_and_for",
            "income_band",
            "safeguarding_lead_name",
            "safeguarding_lead_email",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class AwardResource(StrictResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=LookupWidget(Organisation, "name", "organisation named"),
    )
    call = fields.Field(
        attribute="call", column_name="call", widget=LookupWidget(Call, "reference", "call with reference")
    )
    # Exported for information; never read from a file (set on creation, see after_init_instance).
    is_historic = fields.Field(
        attribute="is_historic", column_name="is_historic", readonly=True, widget=widgets.BooleanWidget()
    )
    amount = ranged("amount", limits.MONEY_POSITIVE)
    amount_applied_for = ranged("amount_applied_for", limits.MONEY)
    start_date = dated("start_date")
    end_date = dated("end_date")
    prevention_bp = ranged("prevention_bp", limits.ALLOCATION_BP)
    support_bp = ranged("support_bp", limits.ALLOCATION_BP)
    perpetrators_bp = ranged("perpetrators_bp", limits.ALLOCATION_BP)
    trust_bp = ranged("trust_bp", limits.ALLOCATION_BP)

    class Meta:
        model = Award
        import_id_fields = ["reference"]
        fields = [
            "reference",
            "organisation",
            "call",
            "title",
            "description",
            "amount",
            "amount_applied_for",
            "start_date",
            "end_date",
            "status",
            "prevention_bp",
            "support_bp",
            "perpetrators_bp",
            "trust_bp",
            "is_historic",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def after_init_instance(self, instance, new, row, **kwargs):
        # Historic grants: the importer sets the flag on awards it creates, whatever the file says.
        if new:
            instance.is_historic = True

    def domain_errors(self, instance):
        errors = {}
        if instance.pk and not Award.objects.filter(pk=instance.pk, is_historic=True).exists():
            errors["reference"] = [
                f"Award {instance.reference} was made in this system: change it on its award screen, not by import."
            ]
        if instance.status not in HISTORIC_STATUSES:
            errors["status"] = ["Historic grants must be active or closed."]
        total = sum((getattr(instance, f) or 0) for f in ("prevention_bp", "support_bp", "perpetrators_bp", "trust_bp"))
        if total != 10000:
            errors["trust_bp"] = [
                f"The four theme allocations must add up to 10000 basis points (100%); they add up to {total}."
            ]
        return errors


class PaymentResource(StrictResource):
    award = fields.Field(
        attribute="award", column_name="award", widget=LookupWidget(Award, "reference", "award with reference")
    )
    sequence = ranged("sequence", limits.SEQUENCE)
    due_date = dated("due_date")
    amount = ranged("amount", limits.MONEY)
    paid_on = dated("paid_on")

    class Meta:
        model = Payment
        import_id_fields = ["award", "sequence"]
        fields = ["award", "sequence", "due_date", "amount", "status", "paid_on", "payment_reference"]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def domain_errors(self, instance):
        errors = {}
        award = getattr(instance, "award", None) if instance.award_id else None
        if award is not None and not award.is_historic:
            errors["award"] = [
                f"Award {award.reference} was made in this system: record its payments on the payment screens."
            ]
        if instance.status == PaymentStatus.PAID and not instance.paid_on:
            errors["paid_on"] = ["A paid payment needs the date it was paid."]
        if instance.status != PaymentStatus.PAID and instance.paid_on:
            errors["paid_on"] = ["Only paid payments have a paid date."]
        elif award is not None and instance.paid_on:
            problem = limits.paid_date_problem(instance.paid_on, award, timezone.localdate())
            if problem:
                errors["paid_on"] = [problem]
        return errors


class IndicatorResource(StrictResource):
    theme = fields.Field(attribute="theme", column_name="theme", widget=LookupWidget(Theme, "slug", "theme"))
    display_order = ranged("display_order", limits.DISPLAY_ORDER)

    class Meta:
        model = Indicator
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "theme",
            "unit",
            "kind",
            "description",
            "counts_people",
            "is_library",
            "is_active",
            "display_order",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


# kind (URL slug) -> (label, resource class, queryset for export)
RESOURCES = {
    "organisations": ("Organisations", OrganisationResource, lambda: Organisation.objects.order_by("name")),
    "awards": (
        "Awards (historic grants)",
        AwardResource,
        lambda: Award.objects.select_related("organisation", "call").order_by("reference"),
    ),
    "payments": (
        "Payments",
        PaymentResource,
        lambda: Payment.objects.select_related("award").order_by("award__reference", "sequence"),
    ),
    "indicators": ("Indicator definitions", IndicatorResource, lambda: Indicator.objects.select_related("theme")),
}
