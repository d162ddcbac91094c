import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning.models import (
    Answer,
    Application,
    Attachment,
    AttachmentKind,
    BudgetLine,
    Indicator,
    ProposedOutcome,
    ProposedTarget,
)
from commissioning.services.applications import project_years
from tests import factories

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def zip_bytes(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes():
    return zip_bytes(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document/>",
        }
    )


def make_call(**kwargs):
    """CallFactory sets the call's themes on a ParentalManyToManyField without saving, so they never
    reach the database; saving the ClusterableModel commits them."""
    call = factories.CallFactory(**kwargs)
    call.save()
    return call


@pytest.fixture
def open_call(db):
    return make_call()


@pytest.fixture
def provider(organisation):
    user = factories.provider_user(organisation)
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return user


@pytest.fixture
def other_provider(other_organisation):
    user = factories.provider_user(other_organisation)
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return user


@pytest.fixture
def draft(provider, organisation, open_call):
    return factories.ApplicationFactory(
        call=open_call, organisation=organisation, created_by=provider, project_title="", summary=""
    )


def make_complete(application):
    """Fill every section of a draft so it can be submitted."""
    call = application.call
    for name in (
        "project_title",
        "summary",
        "need_and_evidence",
        "delivery_plan",
        "beneficiaries",
        "safeguarding_approach",
        "themes_how",
    ):
        setattr(application, name, f"Some {name.replace('_', ' ')}")
    application.beneficiary_count = 40
    application.declares_information_true = application.declares_policies_in_place = True
    application.declares_data_protection = True
    application.save()
    application.themes.set([call.themes.first()])
    outcome = ProposedOutcome.objects.create(application=application, indicator=Indicator.objects.library().first())
    for year in project_years(call):
        ProposedTarget.objects.create(outcome=outcome, financial_year=year, target=Decimal("10"))
    BudgetLine.objects.create(
        application=application,
        category="staff",
        description="Worker",
        financial_year=project_years(call)[0],
        amount=Decimal("5000.00"),
    )
    for question in call.questions.all():
        Answer.objects.create(application=application, question=question, text="Because we can.")
    for kind in (AttachmentKind.SAFEGUARDING_POLICY, AttachmentKind.ACCOUNTS):
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
        attachment.file.save("x.pdf", ContentFile(PDF_BYTES), save=False)
        attachment.save()
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def complete_draft(draft):
    return make_complete(draft)
