"""factory_boy factories shared by every test area. Areas may add their own in their folder."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning.models import (
    Application,
    Assessment,
    Attachment,
    BudgetLine,
    Call,
    Criterion,
    Indicator,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    Question,
    Theme,
    User,
)
from commissioning.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[str(role) for role in extracted]))
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Provider {n}")
    legal_form = "registered_charity"
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    address_line_1 = "1 High Street"
    town = "Bexleyheath"
    postcode = "DA6 7AT"
    is_specialist_vawg = True
    income_band = "100k_500k"
    safeguarding_lead_name = "Sam Safe"
    safeguarding_lead_email = "safe@example.test"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, roles=[Role.PROVIDER])
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.ORG_ADMIN
    status = MembershipStatus.APPROVED


def provider_user(organisation=None, *, org_role=MembershipRole.ORG_ADMIN, **kwargs):
    """A provider with an approved membership of ``organisation`` (made if not given)."""
    membership = MembershipFactory(
        organisation=organisation or OrganisationFactory(), role=org_role, user__roles=[Role.PROVIDER], **kwargs
    )
    return membership.user


def staff_user(role, **kwargs):
    return UserFactory(roles=[role], **kwargs)


class CallFactory(factory.django.DjangoModelFactory):
    """An open call, with two criteria (60/40) and one question."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TEST-2026-{n % 100:02d}" if n < 100 else f"T{n}-2026-01")
    title = factory.Sequence(lambda n: f"Test call {n}")
    summary = "A call for tests."
    total_budget = Decimal("100000.00")
    min_grant = Decimal("1000.00")
    max_grant = Decimal("50000.00")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    eligibility = "Anyone in Bexley."

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted if extracted is not None else Theme.objects.all())
            self.save()  # a ParentalManyToManyField is only written to the database on save

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if create:
            for order, (name, weight) in enumerate(extracted or [("Need", 60), ("Value for money", 40)]):
                Criterion.objects.create(call=self, name=name, weight=weight, sort_order=order)

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create:
            for order, (text, limit, required) in enumerate(extracted or [("Why you?", 50, True)]):
                Question.objects.create(call=self, text=text, word_limit=limit, required=required, sort_order=order)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, roles=[Role.PROVIDER])
    project_title = factory.Sequence(lambda n: f"Project {n}")
    summary = "Support for survivors."


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to an application, in private storage."""

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = "other"
    original_name = "document.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "0" * 64
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="document.pdf"))


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    category = "staff"
    description = "Support worker"
    financial_year = 2026
    amount = Decimal("10000.00")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    application = factory.SubFactory(ApplicationFactory)
    assessor = factory.SubFactory(UserFactory, roles=[Role.ASSESSOR])
    assigned_by = factory.SubFactory(UserFactory, roles=[Role.COMMISSIONER])


def theme(slug):
    return Theme.objects.get(slug=slug)


def indicator(code):
    return Indicator.objects.get(code=code)
