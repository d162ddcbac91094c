from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .. import limits
from ..validators import normalise_charity_number, normalise_company_number, normalise_postcode


class LegalForm(models.TextChoices):
    REGISTERED_CHARITY = "registered_charity", "Registered charity"
    CIO = "cio", "Charitable incorporated organisation (CIO)"
    CLG = "clg", "Company limited by guarantee"
    CIC = "cic", "Community interest company (CIC)"
    COMMUNITY_GROUP = "community_group", "Community group"
    STATUTORY = "statutory", "Statutory body"
    OTHER = "other", "Other"


class IncomeBand(models.TextChoices):
    UNDER_10K = "under_10k", "Under £10,000"
    TO_100K = "10k_100k", "£10,000 to £100,000"
    TO_500K = "100k_500k", "£100,001 to £500,000"
    TO_1M = "500k_1m", "£500,001 to £1 million"
    OVER_1M = "over_1m", "Over £1 million"


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Organisation(models.Model):
    """A provider organisation that applies for and receives grants."""

    name = models.CharField(max_length=200, unique=True, validators=[limits.one_line])
    legal_form = models.CharField(max_length=24, choices=LegalForm.choices)
    charity_number = models.CharField(max_length=12, blank=True)
    company_number = models.CharField(max_length=8, blank=True)
    address_line_1 = models.CharField(max_length=200, validators=[limits.one_line])
    address_line_2 = models.CharField(max_length=200, blank=True, validators=[limits.one_line])
    town = models.CharField(max_length=100, default="Bexleyheath", validators=[limits.one_line])
    postcode = models.CharField(max_length=8)
    website = models.URLField(blank=True)
    is_specialist_vawg = models.BooleanField("specialist VAWG provider", default=False)
    is_by_and_for = models.BooleanField(
        "by and for", default=False, help_text="Led by and for the communities it serves."
    )
    income_band = models.CharField(max_length=12, choices=IncomeBand.choices)
    safeguarding_lead_name = models.CharField(max_length=200, validators=[limits.one_line])
    safeguarding_lead_email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def clean(self):
        errors = {}
        try:
            charity = normalise_charity_number(self.charity_number)
            self.charity_number = charity[1] if charity else ""
        except ValidationError as exc:
            errors["charity_number"] = exc.messages
        try:
            self.company_number = normalise_company_number(self.company_number)
        except ValidationError as exc:
            errors["company_number"] = exc.messages
        try:
            self.postcode = normalise_postcode(self.postcode)
        except ValidationError as exc:
            errors["postcode"] = exc.messages
        needs_charity = self.legal_form in {LegalForm.REGISTERED_CHARITY, LegalForm.CIO}
        if needs_charity and not self.charity_number and "charity_number" not in errors:
            errors["charity_number"] = ["Enter the charity number: registered charities and CIOs have one."]
        needs_company = self.legal_form in {LegalForm.CLG, LegalForm.CIC}
        if needs_company and not self.company_number and "company_number" not in errors:
            errors["company_number"] = [
                "Enter the company number: companies and CICs are registered at Companies House."
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def org_identifier(self):
        """The 360Giving organisation identifier: charity register first, then Companies House,
        else a local identifier under the funder's prefix (domain.md)."""
        charity = normalise_charity_number(self.charity_number) if self.charity_number else None
        if charity:
            register, number = charity
            if register == "CHC":
                return f"GB-CHC-{number}"
            if register == "SC":
                return f"GB-SC-{number}"
            return f"GB-NIC-{number.removeprefix('NIC')}"
        if self.company_number:
            return f"GB-COH-{self.company_number}"
        return f"{settings.GRANT_ID_PREFIX}-ORG-{self.pk:05d}" if self.pk else ""


class MembershipRole(models.TextChoices):
    ORG_ADMIN = "org_admin", "Organisation admin"
    MEMBER = "member", "Member"


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class MembershipQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=MembershipStatus.APPROVED)


class Membership(models.Model):
    """A person's place in an organisation. Only approved memberships grant access."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    status = models.CharField(max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org")]
        ordering = ["organisation__name", "user__email"]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
