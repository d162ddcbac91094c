"""The Excel round-trip for a quarterly return: a pre-filled template to download, and reading a
completed one back. Reading is all-or-nothing: every problem is listed, and nothing is saved unless
the whole file is valid. The cells are checked by the web form itself (``ReturnForm``), so the upload and
the form apply the same rules: ranges, word and length limits, characters, the case-study confirmation."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from commissioning import limits
from commissioning.models import IndicatorUnit
from commissioning.spreadsheets import is_formula, open_workbook_safely, safe_cell

from .services.returns import return_budget_lines, return_indicators

TEMPLATE_VERSION = 2
FIRST_ROW = 7  # data rows start here on the Outcomes and Spend sheets
INPUT_COLUMN = "C"
NARRATIVE_ROWS = {
    "progress_narrative": 4,
    "challenges_and_risks": 5,
    "case_study": 6,
    "case_study_confirmed_anonymous": 7,
    "safeguarding_incidents": 8,
}
YES, NO = "Yes", "No"


def _validation(range_):
    """Excel's own check of a cell, from the same range the upload enforces."""
    rule = DataValidation(
        type="whole" if range_.places == 0 else "decimal",
        operator="between",
        formula1=f"{range_.minimum}",
        formula2=f"{range_.maximum}",
    )
    rule.error = f"Enter {range_.expectation}."
    rule.errorTitle = "Check the figure"
    rule.showErrorMessage = True
    rule.allow_blank = True
    return rule


def _header(sheet, quarterly_return, title):
    award = quarterly_return.award
    sheet["A1"] = safe_cell(title)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = safe_cell(f"Award {award.reference}: {award.title}")
    sheet["A3"] = safe_cell(
        f"{quarterly_return.period_label} ({quarterly_return.period_start:%-d %B %Y} to "
        f"{quarterly_return.period_end:%-d %B %Y})"
    )
    sheet["A4"] = "Fill in the yellow cells only. Aggregate figures only: no names or personal details."


def _input(cell):
    from openpyxl.styles import PatternFill

    cell.protection = Protection(locked=False)
    cell.fill = PatternFill("solid", fgColor="FFF7BF")


def build_template(quarterly_return) -> bytes:
    """A pre-filled workbook: current draft figures are in the input cells."""
    workbook = Workbook()
    results = {r.indicator_id: r.actual for r in quarterly_return.results.all()}
    spend = {s.budget_line_id: s.amount for s in quarterly_return.spend_lines.all()}

    outcomes = workbook.active
    outcomes.title = "Outcomes"
    _header(outcomes, quarterly_return, "Quarterly return: outcomes")
    outcomes.append([])
    for column, label in zip("ABCD", ["Indicator", "Unit", "Actual this quarter", "Target this quarter"]):
        outcomes[f"{column}{FIRST_ROW - 1}"] = label
        outcomes[f"{column}{FIRST_ROW - 1}"].font = Font(bold=True)
    meta_rows = []
    for offset, (indicator, target) in enumerate(return_indicators(quarterly_return)):
        row = FIRST_ROW + offset
        outcomes[f"A{row}"] = safe_cell(indicator.name)
        outcomes[f"B{row}"] = safe_cell(IndicatorUnit(indicator.unit).label)
        cell = outcomes[f"{INPUT_COLUMN}{row}"]
        cell.value = results.get(indicator.pk)
        _input(cell)
        rule = _validation(limits.figure_range(indicator.unit))
        outcomes.add_data_validation(rule)
        rule.add(cell)
        outcomes[f"D{row}"] = target
        meta_rows.append(("indicator", row, indicator.pk))

    spend_sheet = workbook.create_sheet("Spend")
    _header(spend_sheet, quarterly_return, "Quarterly return: spend by budget line")
    for column, label in zip("ABCD", ["Budget line", "Category", "Spend this quarter (£)", "Budget for the year (£)"]):
        spend_sheet[f"{column}{FIRST_ROW - 1}"] = label
        spend_sheet[f"{column}{FIRST_ROW - 1}"].font = Font(bold=True)
    for offset, line in enumerate(return_budget_lines(quarterly_return)):
        row = FIRST_ROW + offset
        spend_sheet[f"A{row}"] = safe_cell(line.description)
        spend_sheet[f"B{row}"] = safe_cell(line.get_category_display())
        cell = spend_sheet[f"{INPUT_COLUMN}{row}"]
        cell.value = spend.get(line.pk)
        cell.number_format = "#,##0.00"
        _input(cell)
        rule = _validation(limits.MONEY)
        spend_sheet.add_data_validation(rule)
        rule.add(cell)
        spend_sheet[f"D{row}"] = line.amount
        meta_rows.append(("budget_line", row, line.pk))

    narrative = workbook.create_sheet("Narrative")
    _header(narrative, quarterly_return, "Quarterly return: narrative")
    labels = {
        "progress_narrative": "Progress this quarter",
        "challenges_and_risks": "Challenges and risks",
        "case_study": "Case study (optional, anonymised: no names, ages, dates or places)",
        "case_study_confirmed_anonymous": "No one can be identified from the case study (Yes/No)",
        "safeguarding_incidents": "Number of safeguarding incidents (a count only)",
    }
    for name, row in NARRATIVE_ROWS.items():
        narrative[f"A{row}"] = labels[name]
        cell = narrative[f"B{row}"]
        value = getattr(quarterly_return, name)
        if name == "case_study_confirmed_anonymous":
            value = YES if value else NO
            rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
            narrative.add_data_validation(rule)
            rule.add(cell)
        elif name == "safeguarding_incidents":
            rule = _validation(limits.INCIDENTS)
            narrative.add_data_validation(rule)
            rule.add(cell)
        else:
            value = safe_cell(value or None)
        cell.value = value
        _input(cell)
    for sheet in (outcomes, spend_sheet, narrative):
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 40
        sheet.column_dimensions["C"].width = 22
        sheet.column_dimensions["D"].width = 22
        # Labels are locked so rows cannot be re-labelled; only the yellow input cells are editable.
        sheet.protection.sheet = True

    meta = workbook.create_sheet("Meta")
    award = quarterly_return.award
    for key, value in [
        ("award_id", award.pk),
        ("award_reference", award.reference),
        ("financial_year", quarterly_return.financial_year),
        ("quarter", quarterly_return.quarter),
        ("template_version", TEMPLATE_VERSION),
    ]:
        meta.append([key, safe_cell(value)])
    for kind, row, pk in meta_rows:
        meta.append([kind, row, pk])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_filename(quarterly_return):
    return (
        f"return-{quarterly_return.award.reference}-{quarterly_return.financial_year}-Q{quarterly_return.quarter}.xlsx"
    )


def _where(sheet, cell):
    return f"Sheet '{sheet}', cell {cell}"


def _shown(value):
    return f'"{value}"'


def parse_upload(quarterly_return, uploaded):
    """Read a completed template for ``quarterly_return``. Returns (results, spend, fields) ready for
    save_return_draft, or raises ValidationError listing every problem found."""
    workbook = open_workbook_safely(uploaded, max_bytes=settings.RETURN_UPLOAD_MAX_BYTES)
    errors = []
    missing = [name for name in ("Outcomes", "Spend", "Narrative", "Meta") if name not in workbook.sheetnames]
    if missing:
        raise ValidationError(
            [f"Sheet '{name}' is missing: download a new template and copy your figures into it." for name in missing],
            code="missing_sheet",
        )
    meta = workbook["Meta"]
    settings_rows, layout = {}, []
    for row in meta.iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        if row[0] in ("indicator", "budget_line"):
            layout.append(row[:3])
        else:
            settings_rows[row[0]] = row[1]
    award = quarterly_return.award
    try:
        version = int(settings_rows.get("template_version"))
    except (TypeError, ValueError):
        version = None
    if version != TEMPLATE_VERSION:
        raise ValidationError(
            f"This file is from an older or unknown template (version {version or 'unknown'}). Download a new "
            f"template (version {TEMPLATE_VERSION}) and copy your figures into it.",
            code="old_template",
        )
    if str(settings_rows.get("award_id")) != str(award.pk) or settings_rows.get("award_reference") != award.reference:
        errors.append(
            f"This template is for award {settings_rows.get('award_reference') or 'unknown'}, not {award.reference}. "
            "Download the template from this return's page."
        )
    if (settings_rows.get("financial_year"), settings_rows.get("quarter")) != (
        quarterly_return.financial_year,
        quarterly_return.quarter,
    ):
        fy, quarter = settings_rows.get("financial_year"), settings_rows.get("quarter")
        errors.append(
            f"This template is for Q{quarter} {fy}, not {quarterly_return.period_label}. Download the template from "
            "this return's page."
        )
    if errors:
        raise ValidationError(errors, code="wrong_return")

    indicators = return_indicators(quarterly_return)
    lines = return_budget_lines(quarterly_return)
    indicator_ids, line_ids = {indicator.pk for indicator, _ in indicators}, {line.pk for line in lines}
    expected_rows = {("indicator", pk) for pk in indicator_ids} | {("budget_line", pk) for pk in line_ids}
    found_rows = set()
    # The web form's data, and where each of its fields came from: {field name: (sheet, cell, value)}.
    data, cells = {}, {}
    for kind, row, pk in layout:
        found_rows.add((kind, pk))
        if kind == "indicator" and pk in indicator_ids:
            sheet, name = "Outcomes", f"result_{pk}"
        elif kind == "budget_line" and pk in line_ids:
            sheet, name = "Spend", f"spend_{pk}"
        else:
            errors.append(
                "The template lists an indicator or budget line this return no longer has. Download a new template."
            )
            continue
        cells[name] = (sheet, f"{INPUT_COLUMN}{row}", workbook[sheet][f"{INPUT_COLUMN}{row}"].value)
    if expected_rows - found_rows:
        errors.append("This return has indicators or budget lines the template does not list. Download a new template.")
    narrative = workbook["Narrative"]
    for name, row in NARRATIVE_ROWS.items():
        cells[name] = ("Narrative", f"B{row}", narrative[f"B{row}"].value)

    for name, (sheet, coordinate, value) in cells.items():
        if is_formula(value):
            what = "text or figure" if sheet == "Narrative" else "figure"
            errors.append(f"{_where(sheet, coordinate)}: contains a formula; type the {what} itself.")
        elif name == "case_study_confirmed_anonymous":
            text = str(value or "").strip().lower()
            if text not in ("yes", "no", ""):
                errors.append(f"{_where(sheet, coordinate)}: expected Yes or No, got {_shown(value)}")
            data[name] = "on" if text == "yes" else ""
        else:
            data[name] = _cell_text(value)

    from .forms import ReturnForm

    form = ReturnForm(data, indicators=indicators, budget_lines=lines)
    if not form.is_valid():
        for name, problems in form.errors.as_data().items():
            sheet, coordinate, value = cells.get(name, (None, None, None))
            for problem in problems:
                for message in problem.messages:
                    if sheet is None:
                        errors.append(message)
                    elif problem.code == "out_of_range":
                        expected = problem.params["expectation"]
                        errors.append(f"{_where(sheet, coordinate)}: expected {expected}, got {_shown(value)}")
                    else:
                        errors.append(f"{_where(sheet, coordinate)}: {message}")
    if errors:
        raise ValidationError(errors, code="invalid_upload")
    return form.valid_parts()


def _cell_text(value) -> str:
    """A cell as the text a person would have typed into the web form."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # 1e+30 stays 1e+30; 85.5 stays 85.5
    text = str(value)
    # safe_cell's apostrophe is shown by Excel as text, but openpyxl may keep a leading one we added.
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text
