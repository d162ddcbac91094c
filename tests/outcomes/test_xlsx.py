"""The Excel round-trip: download, fill as a user would, upload; and every bad input reported at once."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from commissioning.models import Indicator
from outcomes.forms import ReturnForm
from outcomes.models import QuarterlyReturn
from outcomes.services import returns as services
from outcomes.xlsx_returns import TEMPLATE_VERSION, build_template, parse_upload

pytestmark = pytest.mark.django_db


def first_return(award):
    return award.returns.order_by("financial_year", "quarter").first()


def fill(data, outcomes=("12", "85.5"), spend=(2000.5, 1000), narrative=None, meta=None, drop=None):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for row, value in zip((7, 8), outcomes):
        workbook["Outcomes"][f"C{row}"] = value
    for row, value in zip((7, 8), spend):
        workbook["Spend"][f"C{row}"] = value
    values = {"B4": "Twelve groups ran.", "B5": "Staff sickness.", "B6": None, "B7": "No", "B8": 1}
    values.update(narrative or {})
    for cell, value in values.items():
        workbook["Narrative"][cell] = value
    for cell, value in (meta or {}).items():
        workbook["Meta"][cell] = value
    if drop:
        del workbook[drop]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stored(quarterly_return):
    quarterly_return = QuarterlyReturn.objects.get(pk=quarterly_return.pk)
    return (
        {r.indicator.code: r.actual for r in quarterly_return.results.select_related("indicator")},
        {s.budget_line.description: s.amount for s in quarterly_return.spend_lines.select_related("budget_line")},
        quarterly_return.progress_narrative,
        quarterly_return.challenges_and_risks,
        quarterly_return.safeguarding_incidents,
    )


def test_template_has_labels_protection_validation_and_hidden_meta(active_award):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(first_return(active_award))))
    assert workbook.sheetnames == ["Outcomes", "Spend", "Narrative", "Meta"]
    outcomes = workbook["Outcomes"]
    assert outcomes["A7"].value == "New survivors supported: women" and outcomes["D7"].value == 10
    assert outcomes.protection.sheet and outcomes["A7"].protection.locked and not outcomes["C7"].protection.locked
    assert any("C7" in str(rule.sqref) and rule.type == "whole" for rule in outcomes.data_validations.dataValidation)
    assert workbook["Meta"].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in workbook["Meta"].iter_rows(values_only=True)}
    assert meta["award_reference"] == active_award.reference and meta["template_version"] == TEMPLATE_VERSION
    assert (meta["financial_year"], meta["quarter"]) == (2025, 1)


def test_round_trip_stores_the_same_figures_as_the_web_form(
    client, active_award, provider, organisation, call, commissioner
):
    from outcomes.services.awards import accept_award
    from tests.factories import CallFactory

    from .conftest import approved_application, award_for

    client.force_login(provider)
    via_excel = first_return(active_award)
    data = client.get(reverse("outcomes_portal:return_template", args=[via_excel.pk])).content
    response = client.post(
        reverse("outcomes_portal:return_upload", args=[via_excel.pk]),
        {"file": io.BytesIO(fill(data))},
        format="multipart",
    )
    assert response.status_code == 302

    twin = accept_award(
        award=award_for(
            approved_application(
                organisation=organisation, call=CallFactory(max_project_months=24), reference="TWIN-1"
            ),
            commissioner,
        ),
        actor=provider,
        typed_name="Pat",
    )
    via_web = first_return(twin)
    women, safer = (
        Indicator.objects.get(code="survivors-supported-women"),
        Indicator.objects.get(code="survivors-feeling-safer"),
    )
    lines = services.return_budget_lines(via_web)
    client.post(
        reverse("outcomes_portal:return", args=[via_web.pk]),
        {
            f"result_{women.pk}": "12",
            f"result_{safer.pk}": "85.5",
            f"spend_{lines[0].pk}": "2000.50",
            f"spend_{lines[1].pk}": "1000",
            "progress_narrative": "Twelve groups ran.",
            "challenges_and_risks": "Staff sickness.",
            "safeguarding_incidents": "1",
            "save": "1",
        },
    )
    assert stored(via_excel) == stored(via_web)
    assert stored(via_excel)[0] == {
        "survivors-supported-women": Decimal("12"),
        "survivors-feeling-safer": Decimal("85.5"),
    }
    # And the uploaded draft can be submitted like any other.
    services.submit_return(quarterly_return=via_excel, actor=provider, today=dt.date(2026, 11, 24))


def test_every_error_is_listed_and_nothing_is_saved(active_award, provider):
    quarterly_return = first_return(active_award)
    services.save_return_draft(
        quarterly_return=quarterly_return, actor=provider, fields={"progress_narrative": "Existing draft"}
    )
    bad = fill(
        build_template(quarterly_return), outcomes=("twelve", "-3"), spend=("=1+1", -5), narrative={"B8": "lots"}
    )
    with pytest.raises(ValidationError) as error:
        parse_upload(quarterly_return, bad)
    messages = error.value.messages
    assert "Sheet 'Outcomes', cell C7: expected a whole number between 0 and 1,000,000, got \"twelve\"" in messages
    assert (
        "Sheet 'Outcomes', cell C8: expected a percentage between 0 and 100, with at most 2 decimal places, "
        'got "-3"' in messages
    )
    assert "Sheet 'Spend', cell C7: contains a formula; type the figure itself." in messages
    assert any(
        m.startswith("Sheet 'Spend', cell C8: expected an amount between £0.00") and '"-5"' in m for m in messages
    )
    assert "Sheet 'Narrative', cell B8: expected a whole number between 0 and 10,000, got \"lots\"" in messages
    quarterly_return.refresh_from_db()
    assert quarterly_return.progress_narrative == "Existing draft" and not quarterly_return.results.exists()


def test_wrong_award_quarter_version_and_missing_sheets(active_award):
    returns = list(active_award.returns.order_by("financial_year", "quarter"))
    data = build_template(returns[0])
    with pytest.raises(ValidationError, match="for Q1 2025, not Q2 2025/26"):
        parse_upload(returns[1], fill(data))
    with pytest.raises(ValidationError, match="for award WRONG-1"):
        parse_upload(returns[0], fill(data, meta={"B2": "WRONG-1"}))
    with pytest.raises(ValidationError, match="older or unknown template"):
        parse_upload(returns[0], fill(data, meta={"B5": 1}))
    with pytest.raises(ValidationError, match="Sheet 'Spend' is missing"):
        parse_upload(returns[0], fill(data, drop="Spend"))


@override_settings(RETURN_UPLOAD_MAX_BYTES=1000)
def test_oversize_files_are_refused(active_award):
    with pytest.raises(ValidationError, match="must be smaller than"):
        parse_upload(first_return(active_award), build_template(first_return(active_award)))


def test_zip_bombs_and_macros_are_refused(active_award):
    quarterly_return = first_return(active_award)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "0" * 20_000_000)
    with pytest.raises(ValidationError, match="suspicious size"):
        parse_upload(quarterly_return, buffer.getvalue())
    source = zipfile.ZipFile(io.BytesIO(build_template(quarterly_return)))
    macro = io.BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(ValidationError, match="contains macros"):
        parse_upload(quarterly_return, macro.getvalue())


def test_upload_page_lists_all_errors_and_keeps_the_draft(client, active_award, provider):
    client.force_login(provider)
    quarterly_return = first_return(active_award)
    bad = fill(build_template(quarterly_return), outcomes=("twelve", "200"))
    response = client.post(
        reverse("outcomes_portal:return_upload", args=[quarterly_return.pk]), {"file": io.BytesIO(bad)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert "cell C7: expected a whole number between 0 and 1,000,000, got &quot;twelve&quot;" in body
    assert "cell C8: expected a percentage between 0 and 100" in body
    assert not QuarterlyReturn.objects.get(pk=quarterly_return.pk).results.exists()


def test_form_initial_round_trips_through_the_form(active_award, provider):
    quarterly_return = first_return(active_award)
    form = ReturnForm(
        initial=ReturnForm.initial_for(quarterly_return),
        indicators=services.return_indicators(quarterly_return),
        budget_lines=services.return_budget_lines(quarterly_return),
    )
    assert len(form.indicator_fields) == 2 and len(form.spend_fields) == 2
