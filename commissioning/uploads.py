"""Checking uploaded files by their content, not their name: providers' attachments and the public
website's document library (cms.forms.CheckedDocumentForm) go through the same ``check_upload``.

A file is accepted only if its bytes say it is a PDF, DOCX, XLSX or ODT *and* its extension says the
same thing. Office and OpenDocument files are zips, so a plain zip renamed ``.docx`` must also have the
parts a real document has, must not expand past the zip-bomb limits and must carry no macros. A workbook
gets every check a returns upload gets (commissioning.spreadsheets) and may hold no formulas at all.
Nothing here trusts the browser's Content-Type.
"""

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from . import spreadsheets

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

ALLOWED = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "odt": ODT}
ALLOWED_LABEL = "PDF, DOCX, XLSX or ODT"

# Parts a genuine file of each zip-based type must contain.
_REQUIRED_PARTS = {
    DOCX: {"[Content_Types].xml", "word/document.xml"},
    XLSX: {"[Content_Types].xml", "xl/workbook.xml"},
    ODT: {"mimetype", "content.xml"},
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def safe_filename(name):
    """A display name with no path, control characters or shell-hostile characters."""
    name = unicodedata.normalize("NFKC", os.path.basename((name or "").replace("\\", "/")))
    name = re.sub(r"[^\w .()\-]", "_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: 200 - len(ext) - 1] or "document"
    return f"{stem}.{ext.lower()}" if ext else stem


def _detected_type(content):
    kind = filetype.guess(content)
    if kind is None:
        return None
    return kind.mime


def _check_zip(content, mime):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "is damaged and cannot be opened"
    if spreadsheets.expands_too_far(infos, len(content)):
        return "expands to a suspicious size when opened, so it was refused (a “zip bomb”)"
    if not _REQUIRED_PARTS[mime] <= names:
        return "is not a real document of that type"
    # Word and Excel keep macros in vbaProject.bin; OpenDocument files in Basic/ or Scripts/.
    if any(name.lower().endswith("vbaproject.bin") or name.startswith(("Basic/", "Scripts/")) for name in names):
        return "contains macros, which are not accepted"
    if mime == ODT and archive.read("mimetype").strip() != ODT.encode():
        return "is not a real OpenDocument text file"
    return None


def check_upload(uploaded, *, max_bytes=None):
    """Validate an UploadedFile; return a CheckedUpload or raise ValidationError with a message that
    says exactly what is wrong. ``max_bytes`` defaults to ATTACHMENT_MAX_BYTES."""
    name = safe_filename(getattr(uploaded, "name", ""))
    size = uploaded.size or 0
    limit = max_bytes or settings.ATTACHMENT_MAX_BYTES
    if size == 0:
        raise ValidationError(f"The selected file {name} is empty.", code="empty")
    if size > limit:
        raise ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB.", code="too_large")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    expected = ALLOWED.get(extension)
    if expected is None:
        raise ValidationError(f"The selected file must be a {ALLOWED_LABEL}.", code="extension")
    uploaded.seek(0)
    content = uploaded.read()
    if not content:
        raise ValidationError(f"The selected file {name} is empty.", code="empty")
    detected = _detected_type(content)
    if detected == "application/zip" and expected in _REQUIRED_PARTS:
        # filetype reports some valid Office files as a plain zip: the part check below decides.
        detected = expected
    if detected != expected:
        raise ValidationError(
            f"The selected file is not a real .{extension} file: its content does not match its name. "
            f"Upload a {ALLOWED_LABEL}.",
            code="content_mismatch",
        )
    if expected in _REQUIRED_PARTS:
        problem = _check_zip(content, expected)
        if problem:
            raise ValidationError(f"The selected file {problem}.", code="bad_document")
    if expected == XLSX:
        spreadsheets.check_values_only_workbook(content, max_bytes=limit)
    uploaded.seek(0)
    return CheckedUpload(
        name=name,
        content_type=expected,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
