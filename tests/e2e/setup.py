"""Data the later journeys start from, made through the same services the pages call."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning.models import (
    Answer,
    Attachment,
    AttachmentKind,
    BudgetLine,
    Indicator,
    ProposedOutcome,
    ProposedTarget,
)
from commissioning.roles import Role
from commissioning.services.applications import project_years, submit_application
from tests import factories
from tests.e2e.journeys import PDF_BYTES, give_two_factor_device


def staff(role, first_name, last_name):
    user = factories.staff_user(Role[role.upper()], first_name=first_name, last_name=last_name,
                                email=f"{first_name}.{last_name}@example.test".lower())
    give_two_factor_device(user)
    return user


def provider_with_organisation(name="Bexley Women's Aid Collective"):
    organisation = factories.OrganisationFactory(name=name)
    user = factories.provider_user(organisation, user__email="amina.okafor@example.test", user__first_name="Amina",
                                   user__last_name="Okafor")
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return user, organisation


def submitted_application(*, amount="20000.00", call=None):
    """A complete application, submitted by its provider, on an open call."""
    provider, organisation = provider_with_organisation()
    if call is None:
        call = factories.CallFactory(title="Safer Streets Fund")
        call.save()  # the call's themes are a ParentalManyToManyField, written on save
    application = factories.ApplicationFactory(
        call=call, organisation=organisation, created_by=provider, project_title="Safe Spaces Bexley",
        summary="Drop-in support for women in Bexleyheath and Erith.",
        need_and_evidence="Rising reports of domestic abuse.", delivery_plan="Weekly drop-ins.",
        beneficiaries="Women affected by domestic abuse.", beneficiary_count=120,
        safeguarding_approach="Enhanced DBS checks and supervision.", themes_how="Advocacy reduces repeat harm.",
        declares_information_true=True, declares_policies_in_place=True, declares_data_protection=True,
    )
    theme = call.themes.order_by("pk").first()
    application.themes.set([theme])
    outcome = ProposedOutcome.objects.create(
        application=application, indicator=Indicator.objects.library().filter(theme=theme).first()
    )
    years = project_years(call)
    for year in years:
        ProposedTarget.objects.create(outcome=outcome, financial_year=year, target=Decimal("40"))
    BudgetLine.objects.create(application=application, category="staff", description="Two advocates",
                              financial_year=years[0], amount=Decimal(amount))
    for question in call.questions.all():
        Answer.objects.create(application=application, question=question, text="We have worked here since 2015.")
    for kind in (AttachmentKind.SAFEGUARDING_POLICY, AttachmentKind.ACCOUNTS):
        attachment = Attachment(application=application, kind=kind, original_name=f"{kind}.pdf",
                                content_type="application/pdf", size=len(PDF_BYTES), sha256="0" * 64)
        attachment.file.save(f"{kind}.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
    application, _ = submit_application(actor=provider, application=application)
    return application, provider
