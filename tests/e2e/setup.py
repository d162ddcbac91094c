"""Data the later journeys start from, made through the same services the pages call."""

import datetime as dt
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
    user = factories.staff_user(
        Role[role.upper()],
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name}.{last_name}@example.test".lower(),
    )
    give_two_factor_device(user)
    return user


def provider_with_organisation(name="Bexley Women's Aid Collective"):
    organisation = factories.OrganisationFactory(name=name)
    user = factories.provider_user(
        organisation, user__email="amina.okafor@example.test", user__first_name="Amina", user__last_name="Okafor"
    )
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
        call=call,
        organisation=organisation,
        created_by=provider,
        project_title="Safe Spaces Bexley",
        summary="Drop-in support for women in Bexleyheath and Erith.",
        need_and_evidence="Rising reports of domestic abuse.",
        delivery_plan="Weekly drop-ins.",
        beneficiaries="Women affected by domestic abuse.",
        beneficiary_count=120,
        safeguarding_approach="Enhanced DBS checks and supervision.",
        themes_how="Advocacy reduces repeat harm.",
        declares_information_true=True,
        declares_policies_in_place=True,
        declares_data_protection=True,
    )
    theme = call.themes.order_by("pk").first()
    application.themes.set([theme])
    outcome = ProposedOutcome.objects.create(
        application=application, indicator=Indicator.objects.library().filter(theme=theme).first()
    )
    years = project_years(call)
    for year in years:
        ProposedTarget.objects.create(outcome=outcome, financial_year=year, target=Decimal("40"))
    BudgetLine.objects.create(
        application=application,
        category="staff",
        description="Two advocates",
        financial_year=years[0],
        amount=Decimal(amount),
    )
    for question in call.questions.all():
        Answer.objects.create(application=application, question=question, text="We have worked here since 2015.")
    for kind in (AttachmentKind.SAFEGUARDING_POLICY, AttachmentKind.ACCOUNTS):
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
        attachment.file.save(f"{kind}.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
    application, _ = submit_application(actor=provider, application=application)
    return application, provider


def award_period(today=None):
    """The two financial quarters before the current one: both have ended, so both returns can be made."""
    from commissioning.fiscal import quarter_of

    current = quarter_of(today or timezone.localdate())
    last = quarter_of(current.start - dt.timedelta(days=1))
    first = quarter_of(last.start - dt.timedelta(days=1))
    return first.start, last.end


def approved_application(*, amount="15000.00", themes=("support", "trust")):
    """An application approved (decision released) for ``amount``, with budget lines and proposed targets
    in each financial year of ``award_period()``."""
    from commissioning.fiscal import financial_year_of
    from commissioning.models import ApplicationStatus, Decision, DecisionOutcome, Theme

    provider, organisation = provider_with_organisation()
    call = factories.CallFactory(title="Safer Streets Fund", max_project_months=24)
    call.save()
    start, end = award_period()
    application = factories.ApplicationFactory(
        call=call,
        organisation=organisation,
        created_by=provider,
        status=ApplicationStatus.APPROVED,
        reference=f"{call.reference}-001",
        project_title="Safe Spaces Bexley",
        submitted_at=timezone.now(),
    )
    application.themes.set(Theme.objects.filter(slug__in=themes))
    years = sorted({financial_year_of(start), financial_year_of(end)})
    for code, yearly in (("survivors-supported-women", "40"), ("survivors-feeling-safer", "80")):
        outcome = ProposedOutcome.objects.create(application=application, indicator=Indicator.objects.get(code=code))
        for year in years:
            ProposedTarget.objects.create(outcome=outcome, financial_year=year, target=Decimal(yearly))
    for year in years:
        BudgetLine.objects.create(
            application=application,
            category="staff",
            description=f"Advocate {year}",
            financial_year=year,
            amount=Decimal("10000.00"),
        )
    Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.APPROVE,
        approved_amount=Decimal(amount),
        feedback="A strong plan.",
        decided_by=staff("commissioner", "Dee", "Cider"),
        decided_at=timezone.now(),
        released_at=timezone.now(),
    )
    return application, provider
