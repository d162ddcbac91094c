"""360Giving Data Standard 1.4 export: a JSON package, and flat CSV and XLSX files in 360Giving's spreadsheet
layout (the column titles its own converter, flattentool, reads).

Published: active and closed awards (offered and declined ones are not yet grants). Grant ids are
``<GRANT_ID_PREFIX>-<award reference>``; the funder is ``FUNDER_ORG_ID`` with the partnership as its
department. Validation against the official schema (kept in outcomes/schemas/) works offline.
"""

import json
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from commissioning.models import Theme
from commissioning.spreadsheets import write_only_workbook
from commissioning.validators import normalise_charity_number
from outcomes.models import ALLOCATION_FIELDS, Award, AwardStatus, Payment, PaymentStatus

from .apportion import from_pence, to_pence
from .tabular import to_csv

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
GRANT_SCHEMA_URL = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
THEME_VOCABULARY = "BCSP VAWG strategy themes"
PUBLISHED_STATUSES = [AwardStatus.ACTIVE, AwardStatus.CLOSED]
BENEFICIARY_LOCATION = {"name": "Bexley", "geoCode": "E09000004", "geoCodeType": "LONB"}
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def grant_id(reference: str) -> str:
    cleaned = reference.strip().replace(" ", "_").replace("/", "-")
    return f"{settings.GRANT_ID_PREFIX}-{cleaned}"


def _money(value):
    """360Giving amounts are JSON numbers; money is exact to the penny, so whole pounds become ints."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def _funder():
    return {"id": settings.FUNDER_ORG_ID, "name": settings.FUNDER_ORG_NAME, "department": settings.FUNDER_DEPARTMENT}


def _recipient(org, name):
    """``name``: the recipient's name recorded when the grant was made (a later rename does not rewrite it)."""
    record = {"id": org.org_identifier, "name": name}
    charity = normalise_charity_number(org.charity_number) if org.charity_number else None
    if charity:
        record["charityNumber"] = charity[1]
    if org.company_number:
        record["companyNumber"] = org.company_number
    if org.postcode:
        record["postalCode"] = org.postcode
    if org.town:
        record["addressLocality"] = org.town
    return record


def published_awards():
    return (
        Award.objects.filter(status__in=PUBLISHED_STATUSES)
        .select_related("organisation", "call")
        .annotate(last_payment_change=Max("payments__paid_on"))
        .order_by("reference")
    )


def grants():
    """The grants as 360Giving dicts, in a fixed number of queries."""
    awards = list(published_awards())
    themes = list(Theme.objects.all())
    disbursed = defaultdict(int)
    for award_id, amount in Payment.objects.filter(
        award__in=[a.pk for a in awards], status=PaymentStatus.PAID
    ).values_list("award_id", "amount"):
        disbursed[award_id] += to_pence(amount)
    records = []
    for award in awards:
        award_date = timezone.localtime(award.offered_at).date() if award.offered_at else award.start_date
        months = (award.end_date.year - award.start_date.year) * 12 + award.end_date.month - award.start_date.month + 1
        grant = {
            "id": grant_id(award.reference),
            "title": award.title,
            "description": award.description,
            "currency": "GBP",
            "amountAwarded": _money(award.amount),
            "amountDisbursed": _money(from_pence(disbursed[award.pk])),
            "awardDate": award_date.isoformat(),
            "plannedDates": [
                {"startDate": award.start_date.isoformat(), "endDate": award.end_date.isoformat(), "duration": months}
            ],
            "recipientOrganization": [_recipient(award.organisation, award.recipient_name)],
            "fundingOrganization": [_funder()],
            "beneficiaryLocation": [dict(BENEFICIARY_LOCATION)],
            "fromOpenCall": "Yes" if award.call_id else "No",
            "classifications": [
                {"vocabulary": THEME_VOCABULARY, "code": theme.slug, "title": theme.name}
                for theme in themes
                if getattr(award, ALLOCATION_FIELDS.get(theme.slug, ""), 0) > 0
            ],
            "dateModified": timezone.localtime(award.updated_at).isoformat(timespec="seconds"),
        }
        if award.amount_applied_for is not None:
            grant["amountAppliedFor"] = _money(award.amount_applied_for)
        if award.call:
            grant["grantProgramme"] = [{"code": award.call.reference, "title": award.call.title}]
        records.append(grant)
    return records


def package(now=None):
    now = now or timezone.now()
    return {
        "version": "1.4",
        "title": f"{settings.FUNDER_DEPARTMENT} grants",
        "description": "Grants made by the London Borough of Bexley for the Bexley Community Safety Partnership's "
        "Violence Against Women and Girls strategy.",
        "identifier": f"{settings.GRANT_ID_PREFIX}-grants",
        "issued": timezone.localtime(now).date().isoformat(),
        "modified": timezone.localtime(now).isoformat(timespec="seconds"),
        "license": LICENSE,
        "publisher": {"identifier": settings.FUNDER_ORG_ID, "name": settings.FUNDER_ORG_NAME},
        "grants": grants(),
    }


def package_json(now=None) -> str:
    return json.dumps(package(now), indent=2, ensure_ascii=False)


# The flat layout: 360Giving's spreadsheet column titles, as in the template flattentool makes from the official
# schema (``create-template --rollup --use-titles --main-sheet-name grants``). Every grant here has one recipient,
# funder, programme and date range, so those objects are rolled up into the grants sheet; a blank is None.
GRANT_COLUMNS = [
    ("Identifier", lambda g: g["id"]),
    ("Title", lambda g: g["title"]),
    ("Description", lambda g: g["description"]),
    ("Currency", lambda g: g["currency"]),
    ("Amount Applied For", lambda g: g.get("amountAppliedFor")),
    ("Amount Awarded", lambda g: g["amountAwarded"]),
    ("Amount Disbursed", lambda g: g["amountDisbursed"]),
    ("Award Date", lambda g: g["awardDate"]),
    ("Planned Dates:Start Date", lambda g: g["plannedDates"][0]["startDate"]),
    ("Planned Dates:End Date", lambda g: g["plannedDates"][0]["endDate"]),
    ("Planned Dates:Duration (months)", lambda g: g["plannedDates"][0]["duration"]),
    ("Recipient Org:Identifier", lambda g: g["recipientOrganization"][0]["id"]),
    ("Recipient Org:Name", lambda g: g["recipientOrganization"][0]["name"]),
    ("Recipient Org:Charity Number", lambda g: g["recipientOrganization"][0].get("charityNumber")),
    ("Recipient Org:Company Number", lambda g: g["recipientOrganization"][0].get("companyNumber")),
    ("Recipient Org:Postal Code", lambda g: g["recipientOrganization"][0].get("postalCode")),
    ("Recipient Org:City", lambda g: g["recipientOrganization"][0].get("addressLocality")),
    ("Funding Org:Identifier", lambda g: g["fundingOrganization"][0]["id"]),
    ("Funding Org:Name", lambda g: g["fundingOrganization"][0]["name"]),
    ("Funding Org:Department", lambda g: g["fundingOrganization"][0]["department"]),
    ("Grant Programme:Code", lambda g: g.get("grantProgramme", [{}])[0].get("code")),
    ("Grant Programme:Title", lambda g: g.get("grantProgramme", [{}])[0].get("title")),
    ("Beneficiary Location:Name", lambda g: g["beneficiaryLocation"][0]["name"]),
    ("Beneficiary Location:Geographic Code", lambda g: g["beneficiaryLocation"][0]["geoCode"]),
    ("Beneficiary Location:Geographic Code Type", lambda g: g["beneficiaryLocation"][0]["geoCodeType"]),
    ("From An Open Call?", lambda g: g["fromOpenCall"]),
    ("Last Modified", lambda g: g["dateModified"]),
]
# Classifications repeat (one per theme the grant funds).
CLASSIFICATION_FIELDS = [("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title")]
MAX_CLASSIFICATIONS = 4
GRANTS_SHEET, CLASSIFICATIONS_SHEET = "grants", "Classifications"


def _grant_row(grant):
    return [getter(grant) for _, getter in GRANT_COLUMNS]


def csv_rows(records):
    """One table for the CSV: classifications in numbered columns (``Classifications:0:Code``), which flattentool
    reads as the list's items in order."""
    headers = [title for title, _ in GRANT_COLUMNS]
    for n in range(MAX_CLASSIFICATIONS):
        headers += [f"Classifications:{n}:{title}" for title, _ in CLASSIFICATION_FIELDS]
    rows = []
    for grant in records:
        row = _grant_row(grant)
        classes = grant["classifications"] + [{}] * (MAX_CLASSIFICATIONS - len(grant["classifications"]))
        for c in classes[:MAX_CLASSIFICATIONS]:
            row += [c.get(key) for _, key in CLASSIFICATION_FIELDS]
        rows.append(row)
    return headers, rows


def xlsx_sheets(records):
    """360Giving's spreadsheet layout: a ``grants`` sheet, and a ``Classifications`` sheet with one row per
    classification joined to its grant by ``Identifier``, as in 360Giving's template."""
    classifications = [
        [grant["id"], *(c.get(key) for _, key in CLASSIFICATION_FIELDS)]
        for grant in records
        for c in grant["classifications"]
    ]
    return [
        (GRANTS_SHEET, [title for title, _ in GRANT_COLUMNS], [_grant_row(g) for g in records]),
        (
            CLASSIFICATIONS_SHEET,
            ["Identifier", *(f"Classifications:{title}" for title, _ in CLASSIFICATION_FIELDS)],
            classifications,
        ),
    ]


def package_csv() -> bytes:
    headers, rows = csv_rows(grants())
    return to_csv(headers, rows, bom=False)


def package_xlsx() -> bytes:
    return write_only_workbook(xlsx_sheets(grants()))


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant_schema = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    # The schemas say "$schema": "http://..." which referencing does not recognise, so name the draft.
    registry = Registry().with_resource(GRANT_SCHEMA_URL, DRAFT202012.create_resource(grant_schema))
    return Draft202012Validator(package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validation_errors(data) -> list[str]:
    """Every way ``data`` (a package dict) breaks the 360Giving package schema; empty when valid. Offline."""
    messages = []
    for error in _validator().iter_errors(data):
        where = "/".join(map(str, error.absolute_path)) or "(package)"
        # oneOf failures say only "not valid under any of the given schemas": name the reasons too.
        reasons = sorted({sub.message for sub in error.context}) if error.context else []
        messages.append(f"{where}: {error.message}" + (f" ({'; '.join(reasons)})" if reasons else ""))
    return messages
