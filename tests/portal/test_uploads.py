import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from commissioning.uploads import DOCX, ODT, PDF, XLSX, check_upload, safe_filename
from tests.trust.test_spreadsheet_safety import workbook_bytes

from .conftest import PDF_BYTES, docx_bytes, zip_bytes


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_pdf_accepted_with_hash_and_type():
    checked = check_upload(upload("policy.pdf", PDF_BYTES))
    assert checked.content_type == PDF
    assert len(checked.sha256) == 64
    assert checked.size == len(PDF_BYTES)


def test_docx_xlsx_odt_accepted():
    assert check_upload(upload("a.docx", docx_bytes())).content_type == DOCX
    assert check_upload(upload("a.xlsx", workbook_bytes())).content_type == XLSX
    odt = zip_bytes({"mimetype": ODT, "content.xml": "<office/>"})
    assert check_upload(upload("a.odt", odt)).content_type == ODT


def test_exe_renamed_pdf_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200
    with pytest.raises(ValidationError, match="not a real .pdf file"):
        check_upload(upload("accounts.pdf", exe))


def test_plain_zip_renamed_docx_refused():
    with pytest.raises(ValidationError, match="not a real document"):
        check_upload(upload("policy.docx", zip_bytes({"notes.txt": "hello"})))


def test_docx_with_macros_refused():
    content = zip_bytes({"[Content_Types].xml": "<T/>", "word/document.xml": "<d/>", "word/vbaProject.bin": "x"})
    with pytest.raises(ValidationError, match="macros"):
        check_upload(upload("policy.docx", content))


def test_pdf_named_docx_refused_because_extension_and_content_disagree():
    with pytest.raises(ValidationError, match="content does not match its name"):
        check_upload(upload("policy.docx", PDF_BYTES))


def test_other_extension_refused():
    with pytest.raises(ValidationError, match="must be a PDF, DOCX, XLSX or ODT"):
        check_upload(upload("run.exe", PDF_BYTES))


def test_empty_file_refused():
    with pytest.raises(ValidationError, match="is empty"):
        check_upload(upload("policy.pdf", b""))


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_too_large_refused():
    with pytest.raises(ValidationError, match="smaller than"):
        check_upload(upload("policy.pdf", PDF_BYTES + b"0" * 2000))


def test_filename_sanitised():
    assert safe_filename("../../etc/pass<wd>.PDF") == "pass_wd_.pdf"
    assert safe_filename("C:\\Users\\me\\Accounts 2025.pdf") == "Accounts 2025.pdf"
