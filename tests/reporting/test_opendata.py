import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outcomes.reporting import opendata
from tests.factories import OrganisationFactory

from .factories import AwardFactory, paid

pytestmark = pytest.mark.django_db


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


def _csv(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


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


def test_management_command_writes_json_and_csv(awards, tmp_path):
    json_path = tmp_path / "grants.json"
    call_command("export_360giving", output=str(json_path))
    assert opendata.validation_errors(json.loads(json_path.read_text())) == []
    csv_path = tmp_path / "out.txt"
    call_command("export_360giving", output=str(csv_path), format="csv")
    assert len(_csv(csv_path.read_bytes())) == 3
    with pytest.raises(CommandError):
        call_command("export_360giving", output=str(tmp_path / "missing" / "x.json"))
