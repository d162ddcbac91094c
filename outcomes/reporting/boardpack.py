"""The board pack: one XLSX workbook for the chosen year, built with openpyxl.

Every text cell goes through ``safe_cell``; counts of people are suppressed (primary and secondary) because
the pack leaves the system; money is never suppressed. Sheets: Summary, Spend by theme (with a native
bar chart), Paid by quarter, Outcomes (RAG fills), Projects, Overdue returns.
"""

import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from commissioning.models import Call, Organisation, Theme
from commissioning.spreadsheets import safe_cell

from . import selectors
from .suppression import suppress_line, suppress_value

MONEY_FORMAT = '"£"#,##0.00'
PERCENT_FORMAT = "0.0%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", None: "No target"}


def _value(value):
    """Cells: Decimals as numbers (openpyxl writes Decimal as a number), text made safe."""
    if isinstance(value, Decimal):
        return value
    return safe_cell(value)


def _fraction(percent):
    return None if percent is None else (Decimal(percent) / 100)


class SheetWriter:
    """Appends rows with formats and remembers column widths, so every sheet is laid out the same way."""

    def __init__(self, workbook, title, headers=None, widths=None):
        self.sheet = workbook.create_sheet(title)
        self.widths = dict(widths or {})
        if headers:
            self.header(headers)
            self.sheet.freeze_panes = "A2"

    def header(self, headers):
        self.sheet.append([safe_cell(h) for h in headers])
        for cell in self.sheet[self.sheet.max_row]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    def row(self, values, formats=None, fill=None, bold=False):
        self.sheet.append([_value(v) for v in values])
        cells = self.sheet[self.sheet.max_row]
        for index, cell in enumerate(cells):
            fmt = (formats or {}).get(index)
            if fmt:
                cell.number_format = fmt
            if bold:
                cell.font = HEADER_FONT
        if fill:
            for index, pattern in fill.items():
                cells[index].fill = pattern
        return cells

    def finish(self):
        for letter, width in self.widths.items():
            self.sheet.column_dimensions[letter].width = width


def _filters_text(filters):
    parts = [f"Financial year: {filters.year_label}"]
    if filters.call_id:
        parts.append(f"Call: {Call.objects.filter(pk=filters.call_id).values_list('reference', flat=True).first()}")
    if filters.organisation_id:
        name = Organisation.objects.filter(pk=filters.organisation_id).values_list("name", flat=True).first()
        parts.append(f"Provider: {name}")
    if filters.theme:
        parts.append(f"Theme: {Theme.objects.get(slug=filters.theme).name}")
    return "; ".join(parts)


def build_board_pack(filters: selectors.Filters, today=None) -> bytes:
    today = today or timezone.localdate()
    data = selectors.dashboard(filters, today=today)
    workbook = Workbook()
    workbook.remove(workbook.active)

    # Summary
    h = data["headline"]
    summary = SheetWriter(workbook, "Summary", widths={"A": 42, "B": 22})
    summary.sheet.append([safe_cell(f"BCSP VAWG strategy: board pack, {filters.year_label}")])
    summary.sheet["A1"].font = Font(bold=True, size=14)
    summary.sheet.append([safe_cell(_filters_text(filters))])
    summary.sheet.append(
        [
            safe_cell(
                f"Produced {today.isoformat()} from the grants system. Counts of people from 1 to "
                f"{settings.SMALL_NUMBER_THRESHOLD} are shown as <{settings.SMALL_NUMBER_THRESHOLD + 1}."
            )
        ]
    )
    summary.sheet.append([])
    summary.header(["Measure", "Value"])
    summary.sheet.freeze_panes = "A6"
    for label, value, fmt in [
        ("Budget of calls", h.budget, MONEY_FORMAT),
        ("Committed (awarded)", h.committed, MONEY_FORMAT),
        ("Paid", h.paid, MONEY_FORMAT),
        ("Remaining budget (not committed)", h.remaining, MONEY_FORMAT),
        ("Committed, still to pay", h.still_to_pay, MONEY_FORMAT),
        ("Active projects", h.active_projects, None),
        ("Returns submitted", h.returns_submitted, None),
        ("Returns on time", _fraction(h.on_time_percent), PERCENT_FORMAT),
        ("Overdue returns", h.overdue_returns, None),
    ]:
        summary.row([label, value], formats={1: fmt} if fmt else None)
    summary.finish()

    # Spend by theme, with a native chart
    spend = SheetWriter(
        workbook,
        "Spend by theme",
        ["Theme", "Committed", "Share of committed", "Paid", "Share of paid"],
        widths={"A": 40, "B": 18, "C": 14, "D": 18, "E": 14},
    )
    fmts = {1: MONEY_FORMAT, 2: PERCENT_FORMAT, 3: MONEY_FORMAT, 4: PERCENT_FORMAT}
    for row in data["theme_spend"]:
        spend.row(
            [row.theme.name, row.committed, _fraction(row.committed_share), row.paid, _fraction(row.paid_share)], fmts
        )
    n = len(data["theme_spend"])
    spend.row(
        [
            "Total",
            data["committed_total"],
            Decimal(1) if data["committed_total"] else None,
            data["paid_total"],
            Decimal(1) if data["paid_total"] else None,
        ],
        fmts,
        bold=True,
    )
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"Committed and paid by theme, {filters.year_label}"
    chart.y_axis.title = "£"
    chart.y_axis.numFmt = MONEY_FORMAT
    for col in (2, 4):
        chart.add_data(Reference(spend.sheet, min_col=col, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(spend.sheet, min_col=1, min_row=2, max_row=n + 1))
    chart.width, chart.height = 22, 10
    spend.sheet.add_chart(chart, "G2")
    spend.finish()

    # Paid by quarter
    themes = data["themes"]
    quarters = SheetWriter(
        workbook,
        "Paid by quarter",
        ["Quarter"] + [t.short_name for t in themes] + ["Total"],
        widths={"A": 16, **{chr(66 + i): 16 for i in range(len(themes) + 1)}},
    )
    money_cols = {i: MONEY_FORMAT for i in range(1, len(themes) + 2)}
    for quarter, parts in data["paid_by_quarter"]:
        quarters.row(
            [quarter.label] + [parts[t.slug] for t in themes] + [sum(parts.values(), Decimal("0.00"))], money_cols
        )
    quarters.finish()

    # Outcomes against targets
    outcomes = SheetWriter(
        workbook,
        "Outcomes",
        ["Theme", "Indicator", "Unit", "Project", "Provider", "Period", "Target", "Actual", "Achieved", "RAG"],
        widths={"A": 30, "B": 46, "C": 12, "D": 20, "E": 30, "F": 14, "G": 12, "H": 12, "I": 11, "J": 11},
    )
    for group in data["outcomes"]:
        for row in group.indicators:
            indicator = row.indicator
            unit = indicator.get_unit_display()
            projects = row.projects
            actuals = [p.actual for p in projects]
            if indicator.counts_people and row.summable:
                line = suppress_line(actuals)
                shown, total_shown = line.cells, line.total
            else:
                shown = [suppress_value(a, counts_people=indicator.counts_people) for a in actuals]
                total_shown = row.actual
            for p, actual in zip(projects, shown):
                outcomes.row(
                    [
                        group.name,
                        indicator.name,
                        unit,
                        p.reference,
                        p.organisation,
                        p.period,
                        p.target,
                        actual,
                        _fraction(p.percent),
                        RAG_LABELS[p.rag],
                    ],
                    {8: PERCENT_FORMAT},
                    fill={9: RAG_FILLS[p.rag]} if p.rag else None,
                )
            if row.summable:
                outcomes.row(
                    [
                        group.name,
                        indicator.name,
                        unit,
                        "All projects",
                        "",
                        "Year to date",
                        row.target,
                        total_shown,
                        _fraction(row.percent),
                        RAG_LABELS[row.rag],
                    ],
                    {8: PERCENT_FORMAT},
                    fill={9: RAG_FILLS[row.rag]} if row.rag else None,
                    bold=True,
                )
    outcomes.finish()

    # Project list
    projects = SheetWriter(
        workbook,
        "Projects",
        ["Reference", "Title", "Provider", "Call", "Start", "End", "Status", "Award", "Paid to date"]
        + [f"{t.short_name} %" for t in themes],
        widths={"A": 20, "B": 40, "C": 32, "D": 16, "E": 12, "F": 12, "G": 10, "H": 16, "I": 16},
    )
    bp_fields = ["prevention_bp", "support_bp", "perpetrators_bp", "trust_bp"]
    for award, paid in selectors.project_list(filters):
        projects.row(
            [
                award.reference,
                award.title,
                award.organisation.name,
                award.call.reference if award.call else "",
                award.start_date,
                award.end_date,
                award.get_status_display(),
                award.amount,
                paid,
            ]
            + [Decimal(getattr(award, f)) / 10000 for f in bp_fields],
            {
                4: "yyyy-mm-dd",
                5: "yyyy-mm-dd",
                7: MONEY_FORMAT,
                8: MONEY_FORMAT,
                **{9 + i: "0.00%" for i in range(len(bp_fields))},
            },
        )
    projects.finish()

    # Overdue returns
    overdue = SheetWriter(
        workbook,
        "Overdue returns",
        ["Reference", "Provider", "Quarter", "Due", "Days overdue", "Status"],
        widths={"A": 20, "B": 32, "C": 14, "D": 12, "E": 14, "F": 18},
    )
    for r in selectors.overdue_returns(filters, today=today):
        overdue.row(
            [
                r.award.reference,
                r.award.organisation.name,
                r.period_label,
                r.due_date,
                (today - r.due_date).days,
                r.get_status_display(),
            ],
            {3: "yyyy-mm-dd"},
        )
    overdue.finish()

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
