"""Forms for the staff assessment screens. They only validate shape; the services enforce the rules."""

from django import forms

from .. import limits
from ..models import DecisionOutcome, EligibilityItem, User
from ..models.assessment import SCORE_DESCRIPTORS
from ..roles import Role
from ..text_limits import LongTextLimitMixin

SCORE_CHOICES = [(str(value), f"{value}: {text}") for value, text in SCORE_DESCRIPTORS.items()]


def assessor_users():
    return User.objects.filter(groups__name=Role.ASSESSOR, is_active=True).order_by("email").distinct()


class AssessorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.email} ({user.email})"


class EligibilityForm(LongTextLimitMixin, forms.Form):
    reason = forms.CharField(
        label="Reason the application is ineligible (the provider sees this)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when any item fails.",
    )

    def __init__(self, *args, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        for item in EligibilityItem:
            check = existing.get(item.value)
            self.fields[f"{item.value}_result"] = forms.ChoiceField(
                label=item.label,
                choices=[("", "Not checked"), ("pass", "Pass"), ("fail", "Fail")],
                required=False,
                initial="" if check is None else ("pass" if check.passed else "fail"),
            )
            self.fields[f"{item.value}_notes"] = forms.CharField(
                label=f"{item.label}: notes",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=check.notes if check else "",
            )

    def results(self):
        data = self.cleaned_data
        return {
            item.value: (data[f"{item.value}_result"] == "pass", data[f"{item.value}_notes"])
            for item in EligibilityItem
            if data.get(f"{item.value}_result")
        }

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"{item.value}_result") for item in EligibilityItem):
            raise forms.ValidationError("Record a pass or fail for at least one item.")
        return cleaned


class AssignForm(LongTextLimitMixin, forms.Form):
    assessors = AssessorChoiceField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = assessor_users()
        if application is not None:
            queryset = queryset.exclude(assessments__application=application)
        self.fields["assessors"].queryset = queryset


class BulkAssignForm(LongTextLimitMixin, forms.Form):
    assessors = AssessorChoiceField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    per_application = forms.IntegerField(label="Assessors per application", min_value=2, max_value=10, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = assessor_users()


class DeclarationForm(LongTextLimitMixin, forms.Form):
    conflicted = forms.ChoiceField(
        label="Do you have a conflict of interest with this application?",
        choices=[("no", "No conflict"), ("yes", "I have a conflict of interest")],
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label="Describe the conflict",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if you declare a conflict, for example a personal or work link with the organisation.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("conflicted") == "yes" and not (cleaned.get("description") or "").strip():
            self.add_error("description", "Describe the conflict of interest.")
        return cleaned


class CriterionScoresForm(LongTextLimitMixin, forms.Form):
    """One radio group (0–5 with descriptors) and one text box per criterion."""

    text_label = "Comment"

    def __init__(self, *args, criteria, initial_scores=None, require_all=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_scores = initial_scores or {}
        for criterion in criteria:
            score, text = initial_scores.get(criterion.pk, (None, ""))
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.name} ({criterion.weight}%)",
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                required=require_all,
                initial=None if score is None else str(score),
                help_text=criterion.guidance,
                error_messages={"invalid_choice": "Choose a whole-number score from 0 to 5."},
            )
            self.fields[f"text_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name}: {self.text_label.lower()}",
                required=require_all,
                initial=text,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"text_{c.pk}"]) for c in self.criteria]

    def scores(self):
        data = self.cleaned_data
        return {c.pk: (data.get(f"score_{c.pk}") or None, data.get(f"text_{c.pk}", "")) for c in self.criteria}


class ModerationForm(CriterionScoresForm):
    text_label = "Rationale"


class DecisionForm(LongTextLimitMixin, forms.Form):
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    approved_amount = limits.RangeField(
        limits.MONEY,
        label="Approved amount (£)",
        required=False,
        help_text="Leave blank to approve the amount requested.",
    )
    reduction_reason = forms.CharField(
        label="Reason for approving a reduced amount", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    feedback = forms.CharField(
        label="Feedback for the provider",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The provider reads this in the portal and by email when decisions are released.",
    )


class ReasonForm(LongTextLimitMixin, forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))
