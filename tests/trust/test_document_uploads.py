"""Issue 11, item 7: spreadsheets attached to applications get the returns upload's checks (and no formulas),
and the public document library takes only an allow-list of types, checked by content, with a size limit."""

import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents.models import Document

from commissioning.models import Attachment
from commissioning.uploads import ALLOWED, ODT, check_upload
from tests import factories
from tests.conftest import otp_login
from tests.trust.test_spreadsheet_safety import external_link, rewrite, workbook_bytes, xlsm, zip_bomb

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


def formula_workbook(*formulas):
    book = openpyxl.Workbook()
    book.active.title = "Budget"
    book.active.append(["Item", "Cost"])
    for row, formula in enumerate(formulas, start=2):
        book.active.append(["Line", 100])
        book.active[f"C{row}"] = formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def embedded_object(data):
    return rewrite(data, add=[("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0 packager: calc.exe")])


def data_connection(data):
    return rewrite(data, add=[("xl/connections.xml", b"<connections/>")])


def docx_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def odt_with_macros():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<office/>")
        archive.writestr("Basic/Standard/Module1.xml", '<script:module>Shell("calc")</script:module>')
    return out.getvalue()


# name: (file name, content, words the refusal must contain)
HOSTILE_ATTACHMENTS = {
    "formula that starts a program": ("budget.xlsx", formula_workbook("=cmd|' /C calc'!A0"), "cell C2"),
    "ordinary formulas": (
        "budget.xlsx",
        formula_workbook("=SUM(B2:B3)", "=B3*2", "=B4", "=B5", "=B6", "=B7"),
        "and 1 more",
    ),
    "external link": ("budget.xlsx", external_link(workbook_bytes()), "links to other files"),
    "macro workbook": ("budget.xlsx", xlsm(workbook_bytes()), "macro"),
    "embedded object": ("budget.xlsx", embedded_object(workbook_bytes()), "embedded objects"),
    "data connection": ("budget.xlsx", data_connection(workbook_bytes()), "data connection"),
    "zip bomb workbook": ("budget.xlsx", zip_bomb(workbook_bytes()), "suspicious size"),
    "zip bomb document": ("policy.docx", docx_bomb(), "suspicious size"),
    "OpenDocument macros": ("policy.odt", odt_with_macros(), "macros"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ATTACHMENTS))
def test_check_upload_refuses_hostile_office_files(case):
    name, content, words = HOSTILE_ATTACHMENTS[case]
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content))
    assert words in " ".join(refused.value.messages)


def test_a_values_only_workbook_is_accepted():
    checked = check_upload(SimpleUploadedFile("budget.xlsx", workbook_bytes((("Item", "Cost"), ("Worker", 1200)))))
    assert checked.name == "budget.xlsx"


def test_formulas_are_named_by_sheet_and_cell():
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("budget.xlsx", formula_workbook("=SUM(B2:B3)")))
    assert "Sheet 'Budget', cell C2" in refused.value.messages[0]
    assert "paste them back as values" in refused.value.messages[0]


@pytest.mark.parametrize("case", ["formula that starts a program", "external link", "macro workbook"])
def test_the_application_page_refuses_hostile_spreadsheets_and_keeps_nothing(client, provider, organisation, case):
    """Issue 11: application attachments accepted spreadsheets with external links and formulas that launch
    programs."""
    name, content, words = HOSTILE_ATTACHMENTS[case]
    draft = factories.ApplicationFactory(organisation=organisation, status="draft")
    client.force_login(provider)
    response = client.post(
        reverse("portal:section", args=[draft.pk, "attachments"]),
        {"kind": "accounts", "action": "upload", "file": SimpleUploadedFile(name, content)},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert words in body
    assert not Attachment.objects.filter(application=draft).exists()


# --- the public document library ------------------------------------------------------------------------------


def test_the_library_allows_the_attachment_types_and_no_others():
    assert sorted(settings.WAGTAILDOCS_EXTENSIONS) == sorted(ALLOWED)
    assert settings.WAGTAILDOCS_DOCUMENT_FORM_BASE == "cms.forms.CheckedDocumentForm"


HOSTILE_DOCUMENTS = {
    "macro workbook": ("report.xlsx", xlsm(workbook_bytes()), "macro"),
    "executable renamed .pdf": ("annual-report.pdf", EXE, "not a real .pdf file"),
    "zip bomb": ("report.xlsx", zip_bomb(workbook_bytes()), "suspicious size"),
    "web page": ("report.html", b"<html><script>alert(1)</script></html>", "must be a PDF, DOCX, XLSX or ODT"),
}


def add_document(client, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": "Annual report", "file": SimpleUploadedFile(name, content), "collection": 1},
    )


@pytest.mark.parametrize("case", sorted(HOSTILE_DOCUMENTS))
def test_the_document_library_refuses_hostile_files_with_a_clear_message(client, commissioner, case):
    """Issue 11: the CMS document library accepted and published anything (macro workbooks, an executable
    renamed .pdf, a zip bomb)."""
    name, content, words = HOSTILE_DOCUMENTS[case]
    otp_login(client, commissioner)
    response = add_document(client, name, content)
    assert response.status_code == 200
    content = response.content.decode()
    assert words in content
    assert "File extension “” is not allowed" not in content  # the one reason, not a second, confusing one
    assert not Document.objects.exists()


def test_the_multiple_uploader_refuses_them_too(client, commissioner):
    otp_login(client, commissioner)
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"title": "Report", "collection": 1, "files[]": SimpleUploadedFile("report.pdf", EXE)},
    )
    assert response.json()["success"] is False
    assert "not a real .pdf file" in response.json()["error_message"]
    assert not Document.objects.exists()


def test_the_document_library_has_a_size_limit(client, commissioner, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    otp_login(client, commissioner)
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Big", "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 4096), "collection": 1},
    )
    assert "too big" in response.content.decode() or "smaller than" in response.content.decode()
    assert not Document.objects.exists()


def test_a_genuine_document_is_published(client, commissioner):
    otp_login(client, commissioner)
    response = add_document(client, "annual-report.pdf", PDF)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.read() == PDF and document.file_size == len(PDF)
