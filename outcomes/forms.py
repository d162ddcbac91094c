"""Forms for the portal (grant agreement, quarterly returns, uploads) and the admin (award, variation,
closure, review, payments). Forms validate; services decide."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from commissioning import limits
from commissioning.govuk_forms import GovukFormMixin, word_limited
from commissioning.limits import DateRangeField, RangeField
from commissioning.models import IndicatorUnit, Theme
from commissioning.text_limits import LongTextLimitMixin

from .models import ALLOCATION_FIELDS, PaymentBasis
from .services.awards import allocation_from_percentages

CASE_STUDY_WARNING = (
    "Do not include names, initials, ages, exact dates, places or any detail that could identify a survivor, "
    "a child, a perpetrator or a member of staff. Change or leave out details if you need to."
)


def figure_field(range_, **kwargs):
    """A figure of a return (an indicator's actual, or spend). Blank means not yet known."""
    field = RangeField(range_, required=False, **kwargs)
    field.widget.attrs["class"] = "govuk-input--width-10"
    return field


class ReturnForm(GovukFormMixin, forms.Form):
    """One quarter's return. Built from the return's indicators and budget lines."""

    progress_narrative = word_limited(
        forms.CharField(
            label="Progress this quarter",
            required=False,
            widget=forms.Textarea,
            help_text="What you delivered and what changed. Aggregate figures only.",
        ),
        500,
    )
    challenges_and_risks = word_limited(
        forms.CharField(
            label="Challenges and risks",
            required=False,
            widget=forms.Textarea,
            help_text="Write “None” if there were none.",
        ),
        300,
    )
    safeguarding_incidents = RangeField(
        limits.INCIDENTS,
        label="Number of safeguarding incidents this quarter",
        required=False,
        help_text="A count only. Report each incident through your safeguarding procedure, not here.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
    )
    case_study = word_limited(
        forms.CharField(
            label="Case study (optional)", required=False, widget=forms.Textarea, help_text=CASE_STUDY_WARNING
        ),
        400,
    )
    case_study_confirmed_anonymous = forms.BooleanField(
        label="I confirm that no one can be identified from this case study", required=False
    )

    def __init__(self, *args, indicators, budget_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for indicator, target in indicators:
            name = f"result_{indicator.pk}"
            range_ = limits.figure_range(indicator.unit)
            hint = f"{IndicatorUnit(indicator.unit).label}. Enter {range_.expectation}."
            if target is not None:
                hint += f" Target this quarter: {target.normalize():f}."
            self.fields[name] = figure_field(range_, label=indicator.name, help_text=hint)
            self.indicator_fields.append(name)
        self.spend_fields = []
        for line in budget_lines:
            name = f"spend_{line.pk}"
            self.fields[name] = figure_field(
                limits.MONEY,
                label=f"Spend on {line.description} ({line.get_category_display()})",
                help_text=f"In pounds, like 1250.00. Budget for the year: £{line.amount:,.2f}.",
            )
            self.spend_fields.append(name)
        # Field order on the page: figures, then spend, then the narrative.
        order = (
            self.indicator_fields
            + self.spend_fields
            + [
                "progress_narrative",
                "challenges_and_risks",
                "safeguarding_incidents",
                "case_study",
                "case_study_confirmed_anonymous",
            ]
        )
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("case_study") or "").strip() and not cleaned.get("case_study_confirmed_anonymous"):
            self.add_error(
                "case_study_confirmed_anonymous",
                "Confirm that no one can be identified from the case study, or remove it.",
            )
        return cleaned

    def valid_parts(self):
        """(results, spend, fields) from the fields that validated: a draft keeps what is right."""
        data = self.cleaned_data
        results = {int(name.split("_")[1]): data[name] for name in self.indicator_fields if name in data}
        spend = {int(name.split("_")[1]): data[name] for name in self.spend_fields if name in data}
        fields = {}
        for name in ("progress_narrative", "challenges_and_risks", "case_study", "safeguarding_incidents"):
            if name in data:
                fields[name] = data[name] if data[name] is not None or name == "safeguarding_incidents" else ""
        if "case_study_confirmed_anonymous" in data:
            fields["case_study_confirmed_anonymous"] = bool(data["case_study_confirmed_anonymous"])
        return results, spend, fields

    @classmethod
    def initial_for(cls, quarterly_return):
        initial = {
            name: getattr(quarterly_return, name)
            for name in (
                "progress_narrative",
                "challenges_and_risks",
                "case_study",
                "safeguarding_incidents",
                "case_study_confirmed_anonymous",
            )
        }
        for result in quarterly_return.results.all():
            initial[f"result_{result.indicator_id}"] = _plain(result.actual, result.indicator.unit)
        for spend in quarterly_return.spend_lines.all():
            initial[f"spend_{spend.budget_line_id}"] = f"{spend.amount:.2f}"
        return initial


def _plain(value: Decimal, unit):
    return f"{value:.0f}" if unit == IndicatorUnit.COUNT else f"{value.normalize():f}"


class ReturnUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload your completed template",
        help_text=f"The Excel file (.xlsx) you downloaded for this return, up to "
        f"{settings.RETURN_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "Choose the completed template to upload."},
    )


class AcceptAwardForm(GovukFormMixin, forms.Form):
    typed_name = forms.CharField(
        label="Type your full name to accept this grant agreement on behalf of your organisation",
        max_length=200,
        error_messages={"required": "Type your full name to accept the grant agreement."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class DeclineAwardForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you declining the offer?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Tell us why you are declining the offer."},
    )


# --------------------------------------------------------------------------------------------------
# Admin forms (rendered inside the Wagtail admin)


class AllocationMixin:
    """Four percentage fields (2 decimal places) that must add up to exactly 100."""

    def add_allocation_fields(self, initial_bp):
        names = dict(Theme.objects.values_list("slug", "short_name"))
        for slug in ALLOCATION_FIELDS:
            self.fields[f"allocation_{slug}"] = RangeField(
                limits.RANGES["percentage"],
                label=f"{names.get(slug, slug)} (%)",
                initial=Decimal(initial_bp.get(slug, 0)) / 100,
            )

    def clean_allocation(self):
        percentages = {slug: self.cleaned_data.get(f"allocation_{slug}") for slug in ALLOCATION_FIELDS}
        if any(value is None for value in percentages.values()):
            return None
        try:
            return allocation_from_percentages(percentages)
        except forms.ValidationError as exc:
            self.add_error(None, exc)
            return None


def target_field(indicator, label, **kwargs):
    return RangeField(limits.figure_range(indicator.unit), label=label, **kwargs)


class AwardForm(AllocationMixin, LongTextLimitMixin, forms.Form):
    amount = RangeField(limits.MONEY_POSITIVE, label="Amount (£)")
    start_date = DateRangeField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = DateRangeField(label="End date", widget=forms.DateInput(attrs={"type": "date"}))
    conditions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    payment_basis = forms.ChoiceField(
        choices=PaymentBasis.choices, initial=PaymentBasis.ARREARS, widget=forms.RadioSelect
    )
    advance_reason = forms.CharField(
        label="Reason for paying in advance", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, allocation_bp, target_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_allocation_fields(allocation_bp)
        self.target_keys = []
        for (indicator, financial_year, quarter), value in target_rows:
            name = f"target_{indicator.pk}_{financial_year}_{quarter}"
            self.fields[name] = target_field(
                indicator,
                f"{indicator.name}: Q{quarter} {financial_year}/{(financial_year + 1) % 100:02d}",
                initial=value,
                required=False,
            )
            self.target_keys.append((name, (indicator.pk, financial_year, quarter)))

    def clean(self):
        cleaned = super().clean()
        cleaned["allocation"] = self.clean_allocation()
        if cleaned.get("payment_basis") == PaymentBasis.ADVANCE and not (cleaned.get("advance_reason") or "").strip():
            self.add_error("advance_reason", "Give the reason for paying in advance.")
        return cleaned

    def targets(self):
        data = self.cleaned_data
        return {key: data[name] for name, key in self.target_keys if data.get(name) is not None}


class VariationForm(AllocationMixin, LongTextLimitMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    amount = RangeField(limits.MONEY_POSITIVE, label="Amount (£)")
    end_date = DateRangeField(label="End date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, award, **kwargs):
        kwargs.setdefault("initial", {"amount": award.amount, "end_date": award.end_date})
        super().__init__(*args, **kwargs)
        self.add_allocation_fields({slug: getattr(award, field) for slug, field in ALLOCATION_FIELDS.items()})
        self.target_keys = []
        for target in award.targets.select_related("indicator"):
            name = f"target_{target.pk}"
            self.fields[name] = target_field(
                target.indicator,
                f"{target.indicator.name}: Q{target.quarter} {target.financial_year}",
                initial=target.target,
            )
            self.target_keys.append((name, (target.indicator_id, target.financial_year, target.quarter)))

    def clean(self):
        cleaned = super().clean()
        cleaned["allocation"] = self.clean_allocation()
        return cleaned

    def targets(self):
        data = self.cleaned_data
        return {key: data[name] for name, key in self.target_keys if data.get(name) is not None}


class CloseAwardForm(LongTextLimitMixin, forms.Form):
    final_spend = RangeField(limits.MONEY, label="Final spend (£)")
    clawback_amount = RangeField(limits.MONEY, label="Underspend to be repaid (£)", initial=Decimal("0.00"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(LongTextLimitMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("changes", "Request changes")], widget=forms.RadioSelect
    )
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Required when you request changes: the provider sees them.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "changes" and not (cleaned.get("comments") or "").strip():
            self.add_error("comments", "Say what the provider needs to change.")
        return cleaned


class RecordPaymentForm(LongTextLimitMixin, forms.Form):
    paid_on = DateRangeField(
        label="Date paid", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    reference = forms.CharField(label="Payment reference", max_length=60)

    def __init__(self, *args, payment=None, **kwargs):
        self.payment = payment
        super().__init__(*args, **kwargs)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        problem = self.payment and limits.paid_date_problem(paid_on, self.payment.award, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem, code="paid_date")
        return paid_on
