import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.models import AuditEntry, Indicator, Organisation
from outcomes.models import Award, Payment
from tests.conftest import is_refused
from tests.factories import OrganisationFactory

from .factories import AwardFactory

pytestmark = pytest.mark.django_db
DATA = "/admin/reporting/data/"

ORG_HEADERS = [
    "name",
    "legal_form",
    "charity_number",
    "company_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "website",
    "is_specialist_vawg",
    "is_by_and_for",
    "income_band",
    "safeguarding_lead_name",
    "safeguarding_lead_email",
]


def org_row(name, **overrides):
    row = dict(
        zip(
            ORG_HEADERS,
            [
                name,
                "registered_charity",
                "1187654",
                "",
                "2 Broadway",
                "",
                "Bexleyheath",
                "DA6 7JN",
                "",
                "1",
                "0",
                "10k_100k",
                "Pat Lead",
                "pat@example.test",
            ],
        )
    )
    row.update(overrides)
    return [row[h] for h in ORG_HEADERS]


def csv_file(headers, rows, name="data.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(headers, rows, name="data.xlsx"):
    book = openpyxl.Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.mark.parametrize(
    "role,allowed", [("commissioner", True), ("administrator", True), ("executive", False), ("assessor", False)]
)
def test_import_export_permission(client, request, role, allowed):
    client.force_login(request.getfixturevalue(role))
    for url in (DATA, DATA + "organisations/export.csv", DATA + "organisations/import/"):
        response = client.get(url)
        assert response.status_code == 200 if allowed else is_refused(response), url


def test_dry_run_preview_then_confirm_writes_organisations(client, commissioner):
    OrganisationFactory(name="Existing Org")
    client.force_login(commissioner)
    # Each row its own charity number: a number belongs to one organisation.
    upload = csv_file(
        ORG_HEADERS, [org_row("New Org"), org_row("Existing Org", town="Welling", charity_number="1187655")]
    )
    response = client.post(DATA + "organisations/import/", {"file": upload})
    page = response.content.decode()
    assert "1 new, 1 to update" in page and "Confirm import" in page
    assert not Organisation.objects.filter(name="New Org").exists()  # dry run wrote nothing
    digest = response.context["digest"]
    response = client.post(DATA + "organisations/import/", {"confirm": "1", "digest": digest})
    assert response.status_code == 302
    assert Organisation.objects.get(name="New Org").postcode == "DA6 7JN"
    assert Organisation.objects.get(name="Existing Org").town == "Welling"
    assert AuditEntry.objects.filter(action="reporting.data_imported", actor=commissioner).count() == 1


def test_invalid_rows_are_listed_and_nothing_is_written(client, commissioner):
    client.force_login(commissioner)
    upload = csv_file(
        ORG_HEADERS,
        [
            org_row("Good Org"),
            org_row("No Charity Number", charity_number=""),
            org_row("Bad Postcode", postcode="NOT A CODE"),
        ],
    )
    response = client.post(DATA + "organisations/import/", {"file": upload})
    page = response.content.decode()
    assert "Nothing has been imported" in page and "Confirm import" not in page
    assert "Enter the charity number" in page
    assert "postcode" in page
    rows = response.context["rows"]
    assert [r["type"] for r in rows] == ["new", "invalid", "invalid"]
    assert [r["number"] for r in rows] == [2, 3, 4]
    assert not Organisation.objects.filter(name="Good Org").exists()
    assert response.context["form"] is not None and "Error:" in page.split("</title>")[0]
    # A confirm without a valid preview is refused.
    assert client.post(DATA + "organisations/import/", {"confirm": "1", "digest": "x"}).status_code == 302
    assert not Organisation.objects.filter(name="Good Org").exists()


AWARD_HEADERS = [
    "reference",
    "organisation",
    "call",
    "title",
    "description",
    "amount",
    "amount_applied_for",
    "start_date",
    "end_date",
    "status",
    "prevention_bp",
    "support_bp",
    "perpetrators_bp",
    "trust_bp",
]


def test_historic_awards_import_from_xlsx(client, commissioner):
    org = OrganisationFactory(name="Old Provider")
    client.force_login(commissioner)
    rows = [
        [
            "H-2019-001",
            "Old Provider",
            "",
            "Refuge 2019",
            "Refuge places.",
            "15000.00",
            "",
            "2019-04-01",
            "2020-03-31",
            "closed",
            2500,
            7500,
            0,
            0,
        ]
    ]
    response = client.post(DATA + "awards/import/", {"file": xlsx_file(AWARD_HEADERS, rows)})
    assert response.context["valid"], response.context["rows"]
    client.post(DATA + "awards/import/", {"confirm": "1", "digest": response.context["digest"]})
    award = Award.objects.get(reference="H-2019-001")
    assert award.is_historic and award.organisation == org and award.amount == Decimal("15000.00")


def test_award_import_errors(client, commissioner):
    OrganisationFactory(name="Old Provider")
    live = AwardFactory(reference="LIVE-1")
    client.force_login(commissioner)
    rows = [
        ["H-1", "Old Provider", "", "T", "D", "100.00", "", "2019-04-01", "2020-03-31", "closed", 5000, 5000, 1, 0],
        ["H-2", "Nobody", "", "T", "D", "100.00", "", "2019-04-01", "2020-03-31", "closed", 10000, 0, 0, 0],
        [
            "LIVE-1",
            live.organisation.name,
            "",
            "T",
            "D",
            "100.00",
            "",
            "2026-04-01",
            "2027-03-31",
            "active",
            10000,
            0,
            0,
            0,
        ],
        ["H-3", "Old Provider", "", "T", "D", "100.00", "", "2019-04-01", "2018-03-31", "offered", 10000, 0, 0, 0],
    ]
    response = client.post(DATA + "awards/import/", {"file": csv_file(AWARD_HEADERS, rows)})
    assert not response.context["valid"]
    errors = {r["number"]: " ".join(r["errors"]) for r in response.context["rows"]}
    assert "10001" in errors[2]
    assert 'There is no organisation named "Nobody"' in errors[3]
    assert "made in this system" in errors[4]
    assert "active or closed" in errors[5]
    assert not Award.objects.filter(reference__startswith="H-").exists()


def test_xlsx_formulas_are_refused(client, commissioner):
    client.force_login(commissioner)
    upload = xlsx_file(ORG_HEADERS, [org_row("Formula Org", town="=1+1")])
    response = client.post(DATA + "organisations/import/", {"file": upload})
    assert "formulas in G2" in response.content.decode()
    assert not Organisation.objects.filter(name="Formula Org").exists()


def test_csv_formulas_and_unknown_files_are_refused(client, commissioner):
    client.force_login(commissioner)
    response = client.post(
        DATA + "organisations/import/", {"file": csv_file(ORG_HEADERS, [org_row('=HYPERLINK("http://x","y")')])}
    )
    assert "contains formulas" in response.content.decode()
    response = client.post(DATA + "organisations/import/", {"file": SimpleUploadedFile("x.txt", b"hello")})
    assert "Upload an Excel workbook (.xlsx) or a CSV file (.csv)" in response.content.decode()
    response = client.post(DATA + "organisations/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert "not an Excel workbook" in response.content.decode()


def test_payment_and_indicator_imports(client, commissioner):
    historic = AwardFactory(
        reference="H-9",
        is_historic=True,
        status="closed",
        start_date=dt.date(2019, 4, 1),
        end_date=dt.date(2020, 3, 31),
        offered_at=None,
    )
    client.force_login(commissioner)
    headers = ["award", "sequence", "due_date", "amount", "status", "paid_on", "payment_reference"]
    response = client.post(
        DATA + "payments/import/",
        {"file": csv_file(headers, [["H-9", "1", "2019-07-01", "2500.00", "paid", "2019-07-05", "BACS1"]])},
    )
    assert response.context["valid"], response.context["rows"]
    client.post(DATA + "payments/import/", {"confirm": "1", "digest": response.context["digest"]})
    assert Payment.objects.get(award=historic).paid_on == dt.date(2019, 7, 5)
    headers = [
        "code",
        "name",
        "theme",
        "unit",
        "kind",
        "description",
        "counts_people",
        "is_library",
        "is_active",
        "display_order",
    ]
    response = client.post(
        DATA + "indicators/import/",
        {
            "file": csv_file(
                headers,
                [
                    ["peer-mentors", "Peer mentors trained", "trust", "count", "output", "", "1", "1", "1", "50"],
                    ["bad-unit", "Bad", "trust", "furlongs", "output", "", "0", "1", "1", "51"],
                ],
            )
        },
    )
    assert not response.context["valid"]
    assert "furlongs" in " ".join(response.context["rows"][1]["errors"])


@pytest.mark.parametrize("kind", ["organisations", "awards", "payments", "indicators"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_formulas_and_are_audited(client, commissioner, kind, fmt):
    evil = OrganisationFactory(name='=HYPERLINK("http://x","y")')
    award = AwardFactory(organisation=evil, title="+cmd", is_historic=True)
    Payment.objects.create(
        award=award, sequence=1, due_date=dt.date(2026, 7, 1), amount=Decimal("1.00"), payment_reference="@SUM(A1)"
    )
    Indicator.objects.create(code="evil", name="-2+3", unit="count", kind="output")
    client.force_login(commissioner)
    response = client.get(f"{DATA}{kind}/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        cells = [v for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for v in row]
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [c for row in book.active.iter_rows() for c in row if c.data_type == "f"]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells)
    expected = {"organisations": "'=HYPERLINK", "awards": "'+cmd", "payments": "'@SUM(A1)", "indicators": "'-2+3"}[kind]
    assert any(v.startswith(expected) for v in cells)
    assert AuditEntry.objects.filter(action="reporting.data_exported").exists()


def test_awards_round_trip_unchanged_live_awards_are_skipped(client, commissioner, open_call):
    live = AwardFactory(reference="LIVE-9", call=open_call)
    AwardFactory(reference="H-OLD", is_historic=True, status="closed")
    client.force_login(commissioner)
    exported = client.get(DATA + "awards/export.xlsx").content
    upload = SimpleUploadedFile("awards.xlsx", exported)
    response = client.post(DATA + "awards/import/", {"file": upload})
    assert response.context["valid"], response.context["rows"]
    assert {r["type"] for r in response.context["rows"]} == {"skip"}
    live.refresh_from_db()
    assert not live.is_historic
    # Changing a historic grant by import is allowed; the flag in the file is ignored.
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("reference")].value == "H-OLD":
            row[headers.index("title")].value = "Renamed"
    out = io.BytesIO()
    book.save(out)
    response = client.post(DATA + "awards/import/", {"file": SimpleUploadedFile("awards.xlsx", out.getvalue())})
    assert [r["type"] for r in response.context["rows"]].count("update") == 1
    client.post(DATA + "awards/import/", {"confirm": "1", "digest": response.context["digest"]})
    assert Award.objects.get(reference="H-OLD").title == "Renamed"
