"""Item 4: uploads through the real portal page (type by content, size, sanitised names, private storage)
and every download view (attachment only, never sniffed, permission-checked)."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.models import Attachment, AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


def zipped(parts, method=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


BAD_FILES = {
    "exe renamed .pdf": ("accounts.pdf", EXE, "not a real .pdf file"),
    "html renamed .pdf": (
        "policy.pdf",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "not a real .pdf file",
    ),
    "zip renamed .docx": ("policy.docx", zipped({"notes.txt": "hello"}), "is not a real document of that type"),
    "10 MB zip renamed .xlsx": (
        "accounts.xlsx",
        zipped({"data.bin": os.urandom(10 * 1024 * 1024)}, zipfile.ZIP_STORED),
        "must be smaller than 10 MB",
    ),
    "empty file": ("policy.pdf", b"", "is empty"),
}


@pytest.fixture
def draft(organisation):
    return factories.ApplicationFactory(organisation=organisation, status="draft")


def upload(client, application, name, content):
    url = reverse("portal:section", args=[application.pk, "attachments"])
    return client.post(url, {"kind": "other", "action": "upload", "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_on_the_page_with_a_clear_message(client, provider, draft, case):
    name, content, message = BAD_FILES[case]
    client.force_login(provider)
    response = upload(client, draft, name, content)
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert message in body
    assert not Attachment.objects.filter(application=draft).exists()
    assert "<script>alert(1)</script>" not in body


def test_a_path_traversal_name_is_sanitised_and_the_file_stored_privately(client, provider, draft):
    client.force_login(provider)
    response = upload(client, draft, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=draft)
    assert attachment.original_name == "passwd.pdf"
    # Stored under a random name of its own, never the provider's name or path.
    assert attachment.file.name.startswith(f"applications/{draft.pk}/")
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.storage is storages["private"]
    assert attachment.file.read() == PDF


def test_private_storage_is_outside_every_public_url():
    """In the deployed settings private files live in their own directory, with no URL at all."""
    from config.settings import base

    private = base.STORAGES["private"]
    assert private["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert private["OPTIONS"]["base_url"] is None
    location = Path(private["OPTIONS"]["location"]).resolve()
    for public in (base.MEDIA_ROOT, base.STATIC_ROOT):
        public = Path(public).resolve()
        assert location != public and public not in location.parents and location not in public.parents


def assert_download(response, name):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_portal_and_staff_downloads_are_attachments_never_sniffed_and_audited(client, provider, commissioner, draft):
    client.force_login(provider)
    upload(client, draft, "<b>policy</b>.pdf", PDF)
    attachment = Attachment.objects.get(application=draft)
    assert "<" not in attachment.original_name
    type(draft).objects.filter(pk=draft.pk).update(status="submitted")  # staff read submitted applications only
    response = client.get(reverse("portal:attachment_download", args=[draft.pk, attachment.token]))
    assert_download(response, attachment.original_name)
    assert b"".join(response.streaming_content) == PDF
    client.force_login(commissioner)
    response = client.get(reverse("assessment_admin:attachment", args=[attachment.token]))
    assert_download(response, attachment.original_name)
    assert AuditEntry.objects.filter(action__contains="download").count() == 2


def test_another_organisations_provider_cannot_download(client, provider, other_provider, draft):
    client.force_login(provider)
    upload(client, draft, "policy.pdf", PDF)
    attachment = Attachment.objects.get(application=draft)
    client.force_login(other_provider)
    assert client.get(reverse("portal:attachment_download", args=[draft.pk, attachment.token])).status_code == 404
    # The attachment id with organisation B's own application in the URL: still nothing.
    own = factories.ApplicationFactory(organisation=other_provider.memberships.first().organisation, status="draft")
    assert client.get(reverse("portal:attachment_download", args=[own.pk, attachment.token])).status_code == 404


def test_return_template_download_is_an_attachment_never_sniffed(client, provider, organisation, commissioner):
    from outcomes.services.awards import accept_award
    from tests.outcomes.conftest import approved_application, award_for

    award = accept_award(
        award=award_for(approved_application(organisation=organisation), commissioner),
        actor=provider,
        typed_name="Pat Provider",
    )
    client.force_login(provider)
    quarterly_return = award.returns.order_by("financial_year", "quarter").first()
    response = client.get(reverse("outcomes_portal:return_template", args=[quarterly_return.pk]))
    assert_download(response, ".xlsx")


def test_file_urls_name_a_random_token_not_a_sequential_id(client, provider, draft):
    """Issue 11: attachment ids are sequential, so download URLs could be counted through."""
    from django.urls import NoReverseMatch

    client.force_login(provider)
    upload(client, draft, "one.pdf", PDF)
    upload(client, draft, "two.pdf", PDF)
    first, second = Attachment.objects.filter(application=draft).order_by("pk")
    assert first.token.version == 4 and first.token != second.token
    for name, args in [
        ("portal:attachment_download", [draft.pk, first.pk]),
        ("portal:attachment_delete", [draft.pk, first.pk]),
        ("assessment_admin:attachment", [first.pk]),
    ]:
        with pytest.raises(NoReverseMatch):
            reverse(name, args=args)
    assert client.get(f"/portal/applications/{draft.pk}/files/{first.pk}/").status_code == 404
    page = client.get(reverse("portal:section", args=[draft.pk, "attachments"])).content.decode()
    assert str(first.token) in page and f"/files/{first.pk}/" not in page
