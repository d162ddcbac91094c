import csv
import datetime as dt
import io
import json
import socket
from decimal import Decimal

import flattentool
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outcomes.reporting import opendata
from tests.factories import OrganisationFactory

from .factories import AwardFactory, paid

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def awards(open_call):
    charity = OrganisationFactory(name="Bexley Women's Aid", charity_number="1123456", postcode="DA6 7AT")
    company = OrganisationFactory(
        name='=HYPERLINK("http://x","y")', legal_form="clg", charity_number="", company_number="01234567"
    )
    group = OrganisationFactory(name="Erith Sisters Group", legal_form="community_group", charity_number="")
    a = AwardFactory(
        reference="BCSP-2026-01-007",
        organisation=charity,
        call=open_call,
        amount=Decimal("25000.50"),
        prevention_bp=0,
        support_bp=7000,
        perpetrators_bp=0,
        trust_bp=3000,
    )
    b = AwardFactory(
        reference="HIST 2019/4",
        organisation=company,
        call=None,
        status="closed",
        is_historic=True,
        amount_applied_for=None,
        start_date=dt.date(2019, 4, 1),
        end_date=dt.date(2020, 3, 31),
    )
    c = AwardFactory(organisation=group)
    AwardFactory(status="offered")
    AwardFactory(status="declined")
    paid(a, "6250.25", dt.date(2026, 7, 1))
    paid(a, "6250.25", dt.date(2026, 10, 1))
    return a, b, c


def test_package_validates_against_the_official_schema_offline(awards):
    data = opendata.package()
    assert opendata.validation_errors(data) == []
    assert len(data["grants"]) == 3  # active and closed only


def test_validator_catches_a_broken_package(awards):
    data = opendata.package()
    del data["grants"][0]["currency"]
    data["grants"][1]["awardDate"] = "31/12/2026"
    errors = opendata.validation_errors(data)
    assert any("currency" in e for e in errors)
    assert any("awardDate" in e for e in errors)
    assert opendata.validation_errors({"grants": []})  # at least one grant


def test_grant_fields(awards, settings, open_call):
    a, b, c = awards
    grants = {g["id"]: g for g in opendata.package()["grants"]}
    g = grants[f"{settings.GRANT_ID_PREFIX}-BCSP-2026-01-007"]
    assert g["amountAwarded"] == 25000.5 and g["amountDisbursed"] == 12500.5 and g["amountAppliedFor"] == 12000
    assert g["currency"] == "GBP"
    assert g["recipientOrganization"] == [
        {
            "id": "GB-CHC-1123456",
            "name": "Bexley Women's Aid",
            "charityNumber": "1123456",
            "postalCode": "DA6 7AT",
            "addressLocality": "Bexleyheath",
        }
    ]
    assert g["fundingOrganization"] == [
        {"id": "GB-LAE-BEX", "name": settings.FUNDER_ORG_NAME, "department": "Bexley Community Safety Partnership"}
    ]
    assert g["grantProgramme"] == [{"code": open_call.reference, "title": open_call.title}]
    assert g["fromOpenCall"] == "Yes"
    assert [c["code"] for c in g["classifications"]] == ["support", "trust"]
    assert {c["vocabulary"] for c in g["classifications"]} == {"BCSP VAWG strategy themes"}
    assert g["beneficiaryLocation"] == [{"name": "Bexley", "geoCode": "E09000004", "geoCodeType": "LONB"}]
    assert g["plannedDates"] == [{"startDate": "2026-04-01", "endDate": "2027-03-31", "duration": 12}]
    hist = grants[f"{settings.GRANT_ID_PREFIX}-HIST_2019-4"]  # spaces -> _, no slashes
    assert hist["fromOpenCall"] == "No" and "grantProgramme" not in hist and "amountAppliedFor" not in hist
    assert hist["recipientOrganization"][0]["id"] == "GB-COH-01234567"
    assert hist["amountDisbursed"] == 0
    local = next(x for x in grants.values() if x["recipientOrganization"][0]["name"] == "Erith Sisters Group")
    assert local["recipientOrganization"][0]["id"] == f"{settings.GRANT_ID_PREFIX}-ORG-{c.organisation.pk:05d}"


def test_public_urls_need_no_login(client, awards):
    response = client.get("/open-data/360giving.json")
    assert response.status_code == 200
    assert opendata.validation_errors(json.loads(response.content)) == []
    response = client.get("/open-data/360giving.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    response = client.get("/open-data/360giving.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="360giving.xlsx"'


def test_csv_has_no_byte_order_mark(client, awards):
    content = client.get("/open-data/360giving.csv").content
    assert content.startswith(b"Identifier,Title,"), content[:20]


def _csv(content):
    # Strict UTF-8, not utf-8-sig: a byte-order mark would show up in the first title and fail the tests.
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_csv_uses_the_standard_titles_and_neutralises_formulas(client, awards):
    rows = _csv(client.get("/open-data/360giving.csv").content)
    assert len(rows) == 3
    for title in [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Funding Org:Department",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Grant Programme:Code",
        "Grant Programme:Title",
        "Beneficiary Location:Geographic Code",
        "From An Open Call?",
        "Amount Disbursed",
        "Amount Applied For",
        "Classifications:0:Vocabulary",
        "Classifications:0:Code",
        "Last Modified",
    ]:
        assert title in rows[0], title
    names = [r["Recipient Org:Name"] for r in rows]
    assert '\'=HYPERLINK("http://x","y")' in names
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_schema_titles_match_the_csv_headers():
    """The CSV's headers are built from the official schema's titles (checked, not assumed)."""
    schema = json.loads((opendata.SCHEMA_DIR / "360-giving-schema.json").read_text())
    props, defs = schema["properties"], schema["$defs"]
    assert props["amountAwarded"]["title"] == "Amount Awarded"
    assert props["fromOpenCall"]["title"] == "From An Open Call?"
    assert props["recipientOrganization"]["title"] == "Recipient Org"
    assert defs["Organization"]["properties"]["department"]["title"] == "Department"
    assert defs["Event"]["properties"]["duration"]["title"] == "Duration (months)"
    assert defs["Location"]["properties"]["geoCode"]["title"] == "Geographic Code"


def test_management_command_writes_json_csv_and_xlsx(awards, tmp_path):
    json_path = tmp_path / "grants.json"
    call_command("export_360giving", output=str(json_path))
    assert opendata.validation_errors(json.loads(json_path.read_text())) == []
    csv_path = tmp_path / "out.txt"
    call_command("export_360giving", output=str(csv_path), format="csv")
    assert len(_csv(csv_path.read_bytes())) == 3
    for xlsx_path, options in ((tmp_path / "grants.xlsx", {}), (tmp_path / "grants.dat", {"format": "xlsx"})):
        call_command("export_360giving", output=str(xlsx_path), **options)
        book = openpyxl.load_workbook(io.BytesIO(xlsx_path.read_bytes()))
        assert book.sheetnames == ["grants", "Classifications"]
        assert book["grants"].max_row == 4  # titles and three grants
    with pytest.raises(CommandError):
        call_command("export_360giving", output=str(tmp_path / "missing" / "x.json"))


# 360Giving's own converter (flattentool) reading our flat files against the official schema, offline.
GRANT_SCHEMA = str(opendata.SCHEMA_DIR / "360-giving-schema.json")


@pytest.fixture
def offline(monkeypatch):
    """Refuse any connection or name look-up beyond this machine, so the schema can only come from disk."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def local_only(host):
        if host not in ("localhost", "127.0.0.1", "::1"):
            raise AssertionError(f"the test tried to reach {host!r}: open data must convert offline")

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            local_only(address[0])
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        local_only(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _unflatten(source, input_format, tmp_path):
    """What 360Giving's tools do with a spreadsheet: flattentool with the standard's titles and the grant
    schema (https://flatten-tool.readthedocs.io, "Usage for 360Giving")."""
    out = tmp_path / "unflattened.json"
    flattentool.unflatten(
        str(source),
        input_format=input_format,
        output_name=str(out),
        root_list_path="grants",
        root_id="",
        id_name="id",
        schema=GRANT_SCHEMA,
        convert_titles=True,
    )
    return json.loads(out.read_text())["grants"]


def _csv_folder(content, tmp_path):
    """flattentool reads a folder of CSV files, one per sheet."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "grants.csv").write_bytes(content)
    return folder


def _assert_same_grants(unflattened):
    """The converted file carries every field of the JSON package, typed as the schema says, and validates."""
    expected = {g["id"]: g for g in opendata.grants()}
    got = {g.get("id"): g for g in unflattened}
    assert set(got) == set(expected)
    for grant_id, grant in expected.items():
        name = grant["recipientOrganization"][0]["name"]
        if name.startswith("="):  # spreadsheets get the formula neutralised with a leading apostrophe
            grant["recipientOrganization"][0]["name"] = "'" + name
        assert got[grant_id] == grant, grant_id
    package = {**opendata.package(), "grants": unflattened}
    assert opendata.validation_errors(package) == []


def test_flattentool_reads_the_csv_against_the_official_schema(client, awards, offline, tmp_path):
    content = client.get("/open-data/360giving.csv").content
    _assert_same_grants(_unflatten(_csv_folder(content, tmp_path), "csv", tmp_path))


def test_flattentool_loses_every_id_when_the_csv_has_a_byte_order_mark(awards, offline, tmp_path):
    """Why the CSV has no byte-order mark: with one, flattentool reads the first title as '\\ufeffIdentifier'."""
    unflattened = _unflatten(_csv_folder(b"\xef\xbb\xbf" + opendata.package_csv(), tmp_path), "csv", tmp_path)
    assert len(unflattened) == 3 and not any("id" in g for g in unflattened)


def test_flattentool_reads_the_xlsx_against_the_official_schema(client, awards, offline, tmp_path):
    path = tmp_path / "360giving.xlsx"
    path.write_bytes(client.get("/open-data/360giving.xlsx").content)
    _assert_same_grants(_unflatten(path, "xlsx", tmp_path))


# The schema's transactions have no titles, so the template leaves them out (and says so).
@pytest.mark.filterwarnings("ignore:Field .* does not have a title")
def test_xlsx_uses_the_titles_of_360givings_spreadsheet_template(awards, offline, tmp_path):
    """Every sheet and column title is one that flattentool's template from the official schema has (the
    template 360Giving publishes is made this way: rolled up, with titles, main sheet "grants")."""
    template = tmp_path / "template.xlsx"
    flattentool.create_template(
        schema=GRANT_SCHEMA,
        output_name=str(template),
        output_format="xlsx",
        main_sheet_name="grants",
        rollup=True,
        use_titles=True,
    )
    expected = openpyxl.load_workbook(template)
    ours = openpyxl.load_workbook(io.BytesIO(opendata.package_xlsx()))
    assert ours.sheetnames == ["grants", "Classifications"]
    for sheet in ours.worksheets:
        titles = [c.value for c in sheet[1]]
        allowed = {c.value for c in expected[sheet.title][1]}
        assert titles[0] == "Identifier" and set(titles) <= allowed, set(titles) - allowed
    rows = list(ours["Classifications"].iter_rows(min_row=2, values_only=True))
    a_id = opendata.grant_id("BCSP-2026-01-007")
    assert [r[2] for r in rows if r[0] == a_id] == ["support", "trust"]
