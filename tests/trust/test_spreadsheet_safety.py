"""Item 5: every spreadsheet import refuses macros, external links, formulas, zip bombs and oversize files
through commissioning.spreadsheets (nothing saved); every export neutralises formula injection (safe_cell).

Import paths: the quarterly return upload (outcomes.xlsx_returns.parse_upload) and the reporting data
imports (outcomes.reporting.tabular.read_dataset -> django-import-export). Export paths: the call's
application export (commissioning.resources), the board pack, the 360Giving CSV, the data exports and the
return template.
"""

import csv
import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.models import Organisation
from commissioning.spreadsheets import safe_cell
from outcomes.models import QuarterlyReturn
from outcomes.xlsx_returns import build_template
from tests import factories
from tests.outcomes.conftest import approved_application, award_for

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://x","y")'
NEUTRALISED = "'" + INJECTION


# --- hostile workbooks -------------------------------------------------------------------------------------


def workbook_bytes(rows=(("name", "town"), ("Safe Org", "Bexley"))):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data, add=(), content_types=None):
    """A copy of the XLSX ``data`` with extra zip parts and, optionally, a replaced [Content_Types].xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and content_types:
                body = content_types(body.decode()).encode()
            target.writestr(info, body)
        for name, body in add:
            target.writestr(name, body)
    return out.getvalue()


def xlsm(data):
    return rewrite(
        data,
        add=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 Sub AutoOpen()")],
        content_types=lambda text: text.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )


def external_link(data):
    return rewrite(
        data,
        add=[
            (
                "xl/externalLinks/externalLink1.xml",
                b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
                b"</externalLink>",
            )
        ],
    )


def zip_bomb(data):
    # 60 MB of one repeated byte compresses to about 60 KB: past both the uncompressed cap and the ratio.
    return rewrite(data, add=[("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))])


def ten_mb_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("data.bin", os.urandom(10 * 1024 * 1024))
    return out.getvalue()


HOSTILE = {
    # name: (builder from a valid workbook, words the refusal must contain)
    "xlsm_with_macros": (xlsm, "macros"),
    "external_link": (external_link, "links to other files"),
    "zip_bomb": (zip_bomb, "expands to a suspicious size"),
    "ten_mb_zip_renamed_xlsx": (lambda data: ten_mb_zip(), "must be smaller than 5 MB"),
}


# --- import path 1: the quarterly return upload --------------------------------------------------------------


@pytest.fixture
def quarterly_return(organisation, commissioner, provider):
    from outcomes.services.awards import accept_award

    award = accept_award(
        award=award_for(approved_application(organisation=organisation), commissioner),
        actor=provider,
        typed_name="Pat Provider",
    )
    return award.returns.order_by("financial_year", "quarter").first()


def filled_template(quarterly_return, value="12"):
    book = openpyxl.load_workbook(io.BytesIO(build_template(quarterly_return)))
    book["Outcomes"]["C7"] = value
    book["Outcomes"]["C8"] = "80"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post_return(client, quarterly_return, data):
    url = reverse("outcomes_portal:return_upload", args=[quarterly_return.pk])
    return client.post(url, {"file": SimpleUploadedFile("return.xlsx", data)})


def assert_return_untouched(quarterly_return):
    fresh = QuarterlyReturn.objects.get(pk=quarterly_return.pk)
    assert not fresh.results.exists() and not fresh.spend_lines.exists()
    assert fresh.status == quarterly_return.status


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_return_upload_refuses_hostile_workbooks_and_saves_nothing(client, provider, quarterly_return, kind):
    build, words = HOSTILE[kind]
    client.force_login(provider)
    response = post_return(client, quarterly_return, build(filled_template(quarterly_return)))
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    assert words in body
    assert_return_untouched(quarterly_return)


def test_return_upload_refuses_a_formula_in_an_input_cell(client, provider, quarterly_return):
    client.force_login(provider)
    response = post_return(client, quarterly_return, filled_template(quarterly_return, value="=1+1"))
    body = response.content.decode()
    assert "cell C7: contains a formula; type the figure itself." in body
    assert_return_untouched(quarterly_return)


def test_return_upload_refuses_a_forged_award_with_the_meta_sheet_message(client, provider, quarterly_return):
    client.force_login(provider)
    # Another organisation's award: its id and reference typed into the hidden Meta sheet.
    other = award_for(
        approved_application(organisation=factories.OrganisationFactory()), factories.staff_user("Commissioner")
    )
    book = openpyxl.load_workbook(io.BytesIO(filled_template(quarterly_return)))
    for row in book["Meta"].iter_rows():
        if row[0].value == "award_id":
            row[1].value = other.pk
        elif row[0].value == "award_reference":
            row[1].value = other.reference
    out = io.BytesIO()
    book.save(out)
    response = post_return(client, quarterly_return, out.getvalue())
    body = response.content.decode()
    assert response.status_code == 200
    assert f"This template is for award {other.reference}, not {quarterly_return.award.reference}." in body
    assert_return_untouched(quarterly_return)
    assert not other.returns.filter(results__isnull=False).exists()


# --- import path 2: the reporting data imports (django-import-export) ---------------------------------------

IMPORT_KINDS = ["organisations", "awards", "payments", "indicators"]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("dataset", IMPORT_KINDS)
def test_data_import_refuses_hostile_workbooks_and_saves_nothing(client, commissioner, kind, dataset):
    build, words = HOSTILE[kind]
    client.force_login(commissioner)
    before = Organisation.objects.count()
    data = build(workbook_bytes((("name", "town"), ("Hostile Org", "Bexley"))))
    response = client.post(f"/admin/reporting/data/{dataset}/import/", {"file": SimpleUploadedFile("data.xlsx", data)})
    body = response.content.decode()
    assert response.status_code == 200
    assert words in body
    assert "digest" not in response.context or not response.context.get("digest")
    assert Organisation.objects.count() == before


@pytest.mark.parametrize("dataset", IMPORT_KINDS)
def test_data_import_refuses_formulas_in_cells(client, commissioner, dataset):
    client.force_login(commissioner)
    before = Organisation.objects.count()
    data = workbook_bytes((("name", "town"), ("Formula Org", "=1+1")))
    response = client.post(f"/admin/reporting/data/{dataset}/import/", {"file": SimpleUploadedFile("data.xlsx", data)})
    assert "The workbook contains formulas in B2" in response.content.decode()
    assert Organisation.objects.count() == before


# --- exports --------------------------------------------------------------------------------------------------


@pytest.fixture
def injected(db, commissioner, provider, organisation):
    """Organisation A renamed to a formula, with an accepted award (so it appears in every export)."""
    from outcomes.services.awards import accept_award

    Organisation.objects.filter(pk=organisation.pk).update(name=INJECTION)
    organisation.refresh_from_db()
    application = approved_application(organisation=organisation)
    application.project_title = INJECTION
    application.save(update_fields=["project_title"])
    # The typed name must be the account's own, so the account carries the formula too.
    provider.first_name, provider.last_name = INJECTION, ""
    provider.save(update_fields=["first_name", "last_name"])
    award = accept_award(award=award_for(application, commissioner), actor=provider, typed_name=INJECTION)
    return award


def xlsx_values(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_application_export_neutralises_formulas(client, commissioner, injected):
    client.force_login(commissioner)
    call = injected.call
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("assessment_admin:export", args=[call.pk, fmt]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        values = (
            xlsx_values(content)
            if fmt == "xlsx"
            else [v for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for v in row]
        )
        assert NEUTRALISED in values
        assert INJECTION not in values


def test_board_pack_neutralises_formulas(client, commissioner, injected):
    client.force_login(commissioner)
    response = client.get(reverse("reporting:board_pack"))
    assert response.status_code == 200
    values = xlsx_values(response.content)
    assert NEUTRALISED in values and INJECTION not in values


def test_360giving_csv_neutralises_formulas(client, injected):
    response = client.get(reverse("opendata:360giving_csv"))
    values = [v for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for v in row]
    assert NEUTRALISED in values and INJECTION not in values


@pytest.mark.parametrize("dataset", ["organisations", "awards"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_data_exports_neutralise_formulas(client, commissioner, injected, dataset, fmt):
    client.force_login(commissioner)
    response = client.get(reverse("reporting:export", args=[dataset, fmt]))
    assert response.status_code == 200
    values = (
        xlsx_values(response.content)
        if fmt == "xlsx"
        else [v for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for v in row]
    )
    assert NEUTRALISED in values and INJECTION not in values


def test_return_template_neutralises_formulas(client, provider, injected):
    client.force_login(provider)
    quarterly_return = injected.returns.order_by("financial_year", "quarter").first()
    response = client.get(reverse("outcomes_portal:return_template", args=[quarterly_return.pk]))
    assert response.status_code == 200
    values = xlsx_values(response.content)
    assert not any(value.startswith("=HYPERLINK") for value in values)
    assert any("HYPERLINK" in value for value in values)  # the award title, as harmless text


def test_safe_cell_covers_every_trigger():
    for text in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Plain") == "Plain" and safe_cell(5) == 5 and safe_cell(None) is None
