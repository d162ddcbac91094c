"""Provider portal forms (GOV.UK markup via GovukFormMixin).

Section forms are "draft forms": with ``strict=False`` (Save and come back later) an empty field is
fine; with ``strict=True`` (Save and continue) the fields a complete section needs are required. Either
way ``valid_values()`` gives the fields that passed, which the view saves, while the invalid ones are
re-shown with the user's input and a message.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from . import limits
from .govuk_forms import GovukFormMixin, word_limited
from .limits import RangeField
from .models import (
    AttachmentKind,
    BudgetCategory,
    Indicator,
    IndicatorUnit,
    Organisation,
    Partner,
    User,
)
from .services.applications import WORD_LIMITS, project_year_choices
from .uploads import ALLOWED_LABEL, check_upload


class MoneyField(RangeField):
    """Pounds and pence; accepts "£1,500.50" as people type it. A text box, not type="number": browsers
    refuse "£" and "," in number inputs (GOV.UK advises text inputs with inputmode for amounts)."""

    def __init__(self, **kwargs):
        super().__init__(limits.MONEY, prefix="£", **kwargs)
        self.widget.attrs["class"] = "govuk-input--width-10"


# ---------------------------------------------------------------- accounts


class SignUpForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name."}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter your last name."})
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
        },
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common passwords and words from your name or email address.",
        error_messages={"required": "Enter a password."},
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists. Sign in instead.")
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class PlainTextResetEmail:
    """Password-reset emails written and sent like every other email: plain text, through the task queue (so a
    slow mail server never slows the page, and a failure is recorded). Used by the portal's and the Wagtail
    admin's reset forms."""

    email_template = "emails/password_reset.txt"
    subject_template = "emails/password_reset_subject.txt"

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        from .notifications import render_plain_text, send_templated_email

        subject = render_plain_text(self.subject_template, context)
        send_templated_email(to=to_email, subject=subject, template=self.email_template, context=context)


class PasswordResetForm(PlainTextResetEmail, GovukFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter your email address."},
    )


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass


class OrganisationForm(GovukFormMixin, forms.ModelForm):
    """The foundation's organisation fields; Organisation.clean's messages appear against each field."""

    class Meta:
        model = Organisation
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
        labels = {
            "name": "Organisation name",
            "legal_form": "Legal form",
            "charity_number": "Charity number (if you have one)",
            "company_number": "Company number (if you have one)",
            "address_line_1": "Address line 1",
            "address_line_2": "Address line 2 (optional)",
            "website": "Website (optional)",
            "is_specialist_vawg": "We are a specialist violence against women and girls provider",
            "is_by_and_for": "We are a 'by and for' organisation",
            "income_band": "Annual income",
            "safeguarding_lead_name": "Safeguarding lead's name",
            "safeguarding_lead_email": "Safeguarding lead's email address",
        }
        widgets = {"legal_form": forms.RadioSelect, "income_band": forms.RadioSelect}
        error_messages = {
            "name": {
                "unique": "An organisation with this name is already registered. Ask to join it instead.",
                "required": "Enter the organisation's name.",
            },
            "legal_form": {"required": "Select the organisation's legal form."},
            "address_line_1": {"required": "Enter the first line of the address."},
            "income_band": {"required": "Select the organisation's annual income."},
            "safeguarding_lead_name": {"required": "Enter the safeguarding lead's name."},
            "safeguarding_lead_email": {"required": "Enter the safeguarding lead's email address."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ModelForm adds a blank "---------" radio for choice fields: GOV.UK radios have none.
        for name in ("legal_form", "income_band"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]


class JoinSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Organisation name", max_length=200, required=False, help_text="Enter at least 3 letters of the name."
    )


class WithdrawForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing this application?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you are withdrawing this application."},
    )


# ---------------------------------------------------------------- application sections


class DraftForm(GovukFormMixin, forms.Form):
    required_when_complete: dict = {}

    def __init__(self, *args, strict=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_fields()
        self.strict = strict
        for name, field in self.fields.items():
            field.required = strict and name in self.required_when_complete
            if name in self.required_when_complete:
                field.error_messages["required"] = self.required_when_complete[name]

    def add_fields(self):
        """Hook for forms whose fields depend on the call (added before the required flags are set)."""

    def valid_values(self):
        """The fields that passed validation (run is_valid() first)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


def _text(label, name=None, help_text="", rows=None):
    field = forms.CharField(label=label, required=False, help_text=help_text, widget=forms.Textarea)
    if name in WORD_LIMITS:
        word_limited(field, WORD_LIMITS[name])
    elif rows:
        field.widget.attrs["rows"] = rows
    return field


class ProjectForm(DraftForm):
    project_title = forms.CharField(label="Project title", max_length=200, required=False)
    summary = _text("Summary of the project", "summary", "A short description we can publish if you are funded.")
    need_and_evidence = _text("The need and your evidence for it", "need_and_evidence")
    delivery_plan = _text(
        "How you will deliver the project", "delivery_plan", "Activities, milestones and who does what."
    )
    beneficiaries = _text("Who will benefit", "beneficiaries", "Describe the groups of people, not individuals.")
    beneficiary_count = RangeField(
        limits.PEOPLE,
        label="How many people will benefit",
        required=False,
        help_text="An aggregate number only. Do not give names or details of individuals.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    partners = forms.MultipleChoiceField(
        label="Which BCSP partners will you work with?",
        choices=Partner.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Choose partners from the list."},
    )
    other_partners = _text("Other partners (optional)", "other_partners")
    safeguarding_approach = _text("Your safeguarding approach", "safeguarding_approach")

    required_when_complete = {
        "project_title": "Enter the project title.",
        "summary": "Enter a summary of the project.",
        "need_and_evidence": "Describe the need and your evidence for it.",
        "delivery_plan": "Describe how you will deliver the project.",
        "beneficiaries": "Say who will benefit.",
        "beneficiary_count": "Enter how many people will benefit.",
        "safeguarding_approach": "Describe your safeguarding approach.",
    }


class ThemesForm(DraftForm):
    themes = forms.ModelMultipleChoiceField(
        label="Which of the call's themes does the project address?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select at least one.",
        error_messages={
            "invalid_choice": "Choose only themes this call funds: one of the themes sent is not part of this call.",
            "invalid_pk_value": "Choose only themes this call funds.",
        },
    )
    themes_how = _text("How does the project address these themes?", "themes_how")
    required_when_complete = {
        "themes": "Select at least one theme.",
        "themes_how": "Explain how the project addresses the themes.",
    }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = call.themes.all()


class OutcomeForm(GovukFormMixin, forms.Form):
    indicator = forms.ModelChoiceField(
        label="Indicator from the library",
        queryset=Indicator.objects.none(),
        required=False,
        empty_label="Choose an indicator",
        help_text="Or leave this and describe your own indicator below.",
        error_messages={"invalid_choice": "Choose an indicator from the list."},
    )
    custom_name = forms.CharField(
        label="Your own indicator (optional)",
        max_length=200,
        required=False,
        help_text="For example: number of women completing the programme.",
    )
    custom_unit = forms.ChoiceField(
        label="Unit for your own indicator", choices=[("", "Choose a unit"), *IndicatorUnit.choices], required=False
    )
    custom_theme = forms.ModelChoiceField(
        label="Theme for your own indicator",
        queryset=None,
        required=False,
        empty_label="Choose a theme",
        error_messages={"invalid_choice": "Choose a theme this call funds."},
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        themes = call.themes.all()
        self.fields["indicator"].queryset = (
            Indicator.objects.library().filter(models_q_theme_in(themes)).select_related("theme")
        )
        self.fields["custom_theme"].queryset = themes
        self.years = []
        for year, label in project_year_choices(call):
            name = f"target_{year}"
            # The widest range here; clean() applies the chosen unit's own range.
            self.fields[name] = RangeField(
                limits.FIGURE,
                label=f"Target for {label}",
                required=False,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
            )
            self.years.append(year)

    def clean(self):
        cleaned = super().clean()
        if "indicator" in self.errors or "custom_name" in self.errors:
            return cleaned
        indicator, name = cleaned.get("indicator"), cleaned.get("custom_name")
        if indicator and name:
            self.add_error("custom_name", "Choose an indicator from the library or describe your own, not both.")
        elif not indicator and not name:
            self.add_error("indicator", "Choose an indicator from the library or describe your own.")
        elif name:
            if not cleaned.get("custom_unit") and "custom_unit" not in self.errors:
                self.add_error("custom_unit", "Choose the unit for your own indicator.")
            if not cleaned.get("custom_theme") and "custom_theme" not in self.errors:
                self.add_error("custom_theme", "Choose the theme for your own indicator.")
        unit = indicator.unit if indicator else cleaned.get("custom_unit")
        if unit:
            range_ = limits.figure_range(unit)
            for year in self.years:
                value = cleaned.get(f"target_{year}")
                if value is not None:
                    try:
                        range_.parse(value)
                    except ValueError:
                        field = self.fields[f"target_{year}"]
                        self.add_error(f"target_{year}", f"{field.label} must be {range_.allowed}.")
        return cleaned

    def identity_valid(self):
        return not any(n in self.errors for n in ("indicator", "custom_name", "custom_unit", "custom_theme"))

    def valid_targets(self):
        return {
            year: self.cleaned_data.get(f"target_{year}")
            for year in self.years
            if f"target_{year}" not in self.errors and f"target_{year}" in self.cleaned_data
        }


def models_q_theme_in(themes):
    from django.db.models import Q

    # Library indicators for the call's themes, plus those that apply to every theme.
    return Q(theme__in=themes) | Q(theme__isnull=True)


class BudgetLineForm(GovukFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Choose a category"), *BudgetCategory.choices],
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose a category from the list."},
    )
    description = forms.CharField(
        label="Description", max_length=300, error_messages={"required": "Enter a description of the cost."}
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        error_messages={
            "required": "Choose the financial year.",
            "invalid_choice": "Choose a financial year the project covers.",
        },
    )
    amount = MoneyField(label="Amount", error_messages={"required": "Enter the amount."})

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [("", "Choose a year"), *project_year_choices(call)]


class QuestionsForm(DraftForm):
    def __init__(self, *args, questions, **kwargs):
        self.questions = {f"answer_{q.pk}": q for q in questions}
        self.required_when_complete = {name: f"Answer “{q.text}”." for name, q in self.questions.items() if q.required}
        super().__init__(*args, **kwargs)

    def add_fields(self):
        for name, question in self.questions.items():
            field = forms.CharField(
                label=question.text, help_text=question.help_text, required=False, widget=forms.Textarea
            )
            self.fields[name] = word_limited(field, question.word_limit)

    def valid_answers(self):
        return {self.questions[name]: value for name, value in self.valid_values().items()}


class AttachmentForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What is this document?",
        choices=AttachmentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the document is."},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=f"{ALLOWED_LABEL}, 10 MB or smaller.",
        error_messages={"required": "Select a file to upload.", "empty": "The selected file is empty."},
        allow_empty_file=True,  # the content check gives the specific message
    )

    def clean_file(self):
        self.checked = check_upload(self.cleaned_data["file"])
        return self.cleaned_data["file"]


class DeclarationsForm(DraftForm):
    declares_information_true = forms.BooleanField(
        label="The information in this application is true and complete, to the best of my knowledge.", required=False
    )
    declares_policies_in_place = forms.BooleanField(
        label="Our organisation has safeguarding, equalities and complaints policies in place.", required=False
    )
    declares_data_protection = forms.BooleanField(
        label="We will handle personal data in line with UK GDPR and the Data Protection Act 2018.", required=False
    )
    required_when_complete = {
        "declares_information_true": "Confirm that the information is true and complete.",
        "declares_policies_in_place": "Confirm that your policies are in place.",
        "declares_data_protection": "Confirm that you will handle personal data lawfully.",
    }
