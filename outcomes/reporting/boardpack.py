"""The board pack: one XLSX workbook for the chosen year, built with openpyxl in write-only mode.

Every text cell goes through ``safe_cell``; counts of people are suppressed (primary and secondary) because
the pack leaves the system; money is never suppressed. Sheets: Summary, Spend by theme (with a native
bar chart), Paid by quarter, Outcomes (RAG fills), Projects, Overdue returns, Notes (what each figure means,
from ``definitions.DEFINITIONS``, and when the figures were taken).

Every sheet is set up to print: A4 landscape, fitted to one page wide (so the RAG column prints beside its
rows), header row repeated on every page, header and footer naming the pack, sheet and page. Wrapped rows get
their height set here, because LibreOffice does not re-fit row heights when it opens a workbook.
"""

import io
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from commissioning.formats import govuk_datetime
from commissioning.models import Call, Organisation, Theme
from commissioning.spreadsheets import safe_cell

from . import selectors
from .definitions import DEFINITIONS
from .suppression import suppress_line, suppress_value

MONEY_FORMAT = '"£"#,##0.00'
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "d mmm yyyy"
# The workbook's default font, named in every cell (a bold cell without a name falls back to a serif face in
# LibreOffice). Column widths count this font's "0", so text measures alike wherever the font is replaced.
FONT_NAME = "Calibri"
BODY_FONT = Font(name=FONT_NAME, size=11)
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_RIGHT = Alignment(wrap_text=True, vertical="top", horizontal="right")  # headers over figures
WRAP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
CENTRE = Alignment(horizontal="center")  # a word after a figure, so the two never run together
RIGHT = Alignment(horizontal="right")  # text among figures ("<5"), lined up with them
# Wrapped text in a data row sits at the bottom, as the row's other cells do by default, so they line up.
WRAP_DATA = Alignment(wrap_text=True)
RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", None: "No target"}
# Points per line of 11-point text (and of the 14-point title), as spreadsheet programs lay rows out.
LINE_HEIGHT, TITLE_HEIGHT = 15, 19
PRINT_MARGINS = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)


def _value(value):
    """Cells: Decimals as numbers (openpyxl writes Decimal as a number), text made safe."""
    if isinstance(value, Decimal):
        return value
    return safe_cell(value)


def _fraction(percent):
    return None if percent is None else (Decimal(percent) / 100)


# Widths of characters in "0"s (a column's width counts the default font's "0"), measured from LibreOffice's
# PDF of the pack's font (rounded up); anything not listed is as wide as a "0". Bold is about a tenth wider.
_CHAR_WIDTHS = {
    **dict.fromkeys("ijl'", 0.45),
    **dict.fromkeys("IJ .,", 0.5),
    **dict.fromkeys(":;|/f", 0.55),
    **dict.fromkeys("-()[]!rt", 0.65),
    **dict.fromkeys('"*_', 0.8),
    **dict.fromkeys("cszL?", 0.9),
    **dict.fromkeys("kFvxyP", 0.95),
    **dict.fromkeys("ABKRVXZ", 1.1),
    **dict.fromkeys("CHNU", 1.2),
    **dict.fromkeys("DGOQ&", 1.25),
    **dict.fromkeys("w+=<>", 1.3),
    "M": 1.4,
    **dict.fromkeys("mW%", 1.55),
}
BOLD_WIDTH = 1.1
# A column fits its width in "0"s less about half a "0" of cell margins (measured the same way).
CELL_MARGIN = 0.6


@lru_cache(maxsize=4096)
def wrapped_lines(text, width, *, bold=False) -> int:
    """How many lines ``text`` takes wrapped by words in a column ``width`` "0"s wide: openpyxl cannot measure
    text and LibreOffice does not re-fit row heights when it opens a workbook, so the pack works the heights
    out. Erring to more lines (the widths are rounded up), so that a wrapped row never overlaps the next.
    Names repeat row after row, hence the cache."""
    scale = BOLD_WIDTH if bold else 1
    capacity = width - CELL_MARGIN
    if len(text) * 1.55 * scale <= capacity:  # fits even if every character were the widest
        return 1
    space = _CHAR_WIDTHS[" "] * scale
    lines, used = 1, 0.0
    for word in text.split():
        size = sum(_CHAR_WIDTHS.get(c, 1.0) for c in word) * scale
        if used and used + space + size <= capacity:
            used += space + size
            continue
        if used:
            lines += 1
        used = size
        while used > capacity:  # a word longer than the line breaks across lines
            lines += 1
            used -= capacity
    return lines


def _header_footer_text(text):
    return text.replace("&", "&&")  # "&" starts a code (&P, &A) in Excel headers and footers


class SheetWriter:
    """One sheet, written row by row in openpyxl's write-only mode (so the pack costs little more than the
    file format), with the print set-up every sheet of the pack shares.

    ``widths`` are the columns' widths in characters; text in the ``wrap`` columns (indexes) wraps, and its
    row is made tall enough; the headers of ``numeric`` columns are right-aligned over their figures;
    ``centre`` columns are centred.
    ``preamble`` rows (text, font) come before the header row. ``one_page`` fits the whole sheet on one page
    (for the short sheets, so the chart is never split from its table)."""

    def __init__(
        self, workbook, title, headers, widths, *, pack, wrap=(), numeric=(), centre=(), preamble=(), one_page=False
    ):
        self.sheet = workbook.create_sheet(title)
        self.widths = list(widths)
        self.wrap = frozenset(wrap)
        self.numeric = frozenset(numeric)
        self.centre = frozenset(centre)
        # Rows written so far, and one styled cell per (column, style) reused row after row: write-only mode
        # writes each row out as it is appended, so a cell can be refilled for the next row.
        self.rows = 0
        self._cells = {}
        sheet = self.sheet
        for index, width in enumerate(self.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        self.header_row = len(preamble) + 1
        # Everything about the sheet is set before its first row: write-only mode writes it out then.
        sheet.freeze_panes = f"A{self.header_row + 1}"
        sheet.print_title_rows = f"{self.header_row}:{self.header_row}"
        setup = sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 1 if one_page else 0  # 0: as many pages down as the rows need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_margins = PRINT_MARGINS
        sheet.oddHeader.left.text = _header_footer_text(pack["title"])
        sheet.oddHeader.right.text = _header_footer_text(pack["taken"])
        sheet.oddFooter.left.text = "&A"
        sheet.oddFooter.right.text = "Page &P of &N"
        for text, font in preamble:
            self.text_row(text, font=font or BODY_FONT)
        self.header(headers)

    def _cell(self, column, value, *, number_format=None, fill=None, font=BODY_FONT, alignment=None):
        # The styles are module constants: their ids are a cheap key (hashing a style hashes every attribute).
        key = (column, number_format, id(fill), id(font), id(alignment))
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = WriteOnlyCell(self.sheet)
            if number_format:
                cell.number_format = number_format
            if fill:
                cell.fill = fill
            cell.font = font
            cell.alignment = alignment
        cell.value = value
        return cell

    def _append(self, values, height=None):
        self.rows += 1
        if height:
            self.sheet.row_dimensions[self.rows].height = height
        self.sheet.append(values)

    def text_row(self, text, *, font=BODY_FONT):
        """A line of text across the sheet's columns (merged, wrapped), or a blank row when ``text`` is empty."""
        if not text:
            self._append([])
            return
        width = sum(self.widths)
        lines = wrapped_lines(text, width, bold=font.bold)
        last = get_column_letter(len(self.widths))
        self.sheet.merged_cells.add(f"A{self.rows + 1}:{last}{self.rows + 1}")
        cell = self._cell(0, safe_cell(text), font=font, alignment=WRAP)
        self._append([cell], height=(TITLE_HEIGHT if font is TITLE_FONT else LINE_HEIGHT) * lines + 2)

    def header(self, headers):
        lines = max(wrapped_lines(str(h), w, bold=True) for i, (h, w) in enumerate(zip(headers, self.widths)))
        cells = [
            self._cell(i, safe_cell(h), fill=HEADER_FILL, font=HEADER_FONT, alignment=self._header_alignment(i))
            for i, h in enumerate(headers)
        ]
        self._append(cells, height=LINE_HEIGHT * lines + 4)

    def _header_alignment(self, index):
        return WRAP_RIGHT if index in self.numeric else WRAP_CENTRE if index in self.centre else WRAP

    def row(self, values, formats=None, fill=None, bold=False):
        """Append a row. Only cells that need a style get one (a styled cell costs several times a plain one):
        formatted, filled, bold or centred cells, text that wraps and text among figures."""
        formats, fill = formats or {}, fill or {}
        values = [None if v == "" else _value(v) for v in values]
        lines = 1
        for index in self.wrap:
            if index < len(values) and isinstance(values[index], str):
                lines = max(lines, wrapped_lines(values[index], self.widths[index], bold=bold))
        tall = lines > 1
        cells = []
        for index, value in enumerate(values):
            wraps = tall and index in self.wrap
            text_figure = index in self.numeric and isinstance(value, str)
            if value is None or not (
                bold or wraps or text_figure or index in formats or index in fill or index in self.centre
            ):
                cells.append(value)
                continue
            cells.append(
                self._cell(
                    index,
                    value,
                    number_format=formats.get(index),
                    fill=fill.get(index),
                    font=HEADER_FONT if bold else BODY_FONT,
                    alignment=WRAP_DATA
                    if wraps
                    else CENTRE
                    if index in self.centre
                    else RIGHT
                    if text_figure
                    else None,
                )
            )
        self._append(cells, height=LINE_HEIGHT * lines + 2 if tall else None)


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


def _notes(workbook, pack):
    """The Notes sheet: what each figure means (the one set of definitions), RAG and small numbers."""
    notes = SheetWriter(
        workbook,
        "Notes",
        ["Term", "Meaning"],
        [32, 110],
        pack=pack,
        wrap=(1,),
        preamble=[
            ("Notes: how the figures in this pack are worked out", TITLE_FONT),
            (pack["taken"] + ".", None),
            (pack["filters"], None),
            ("", None),
        ],
    )
    for definition in DEFINITIONS:
        notes.row([definition.term, definition.meaning])
    threshold = settings.SMALL_NUMBER_THRESHOLD
    notes.row(
        [
            "RAG (outcomes)",
            f"Green when {settings.RAG_GREEN_AT}% or more of the target is achieved, amber from "
            f"{settings.RAG_AMBER_AT}%, red below; counts and pounds are summed across projects, percentages and "
            "days are shown for each project, never averaged.",
        ]
    )
    notes.row(
        [
            "Small numbers",
            f"Counts of people from 1 to {threshold} are shown as <{threshold + 1}, and where a total would let a "
            "hidden count be worked out, the next smallest count is hidden too. Money is never hidden.",
        ]
    )


def build_board_pack(filters: selectors.Filters, today=None, now=None) -> bytes:
    """The pack as XLSX bytes. ``now``: when the figures are taken (default: now); ``today``: the date that
    decides what is overdue (default: ``now``'s date in Europe/London)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    data = selectors.dashboard(filters, today=today)
    pack = {
        "title": f"BCSP VAWG strategy: board pack, {filters.year_label}",
        "taken": f"Figures taken at {govuk_datetime(now)}",
        "filters": _filters_text(filters),
    }
    workbook = Workbook(write_only=True)

    # Summary
    h = data["headline"]
    summary = SheetWriter(
        workbook,
        "Summary",
        ["Measure", "Value"],
        [48, 22],
        pack=pack,
        numeric=(1,),
        one_page=True,
        preamble=[
            (pack["title"], TITLE_FONT),
            (pack["filters"], None),
            (f"{pack['taken']}. What each figure means: see the Notes sheet.", None),
            ("", None),
        ],
    )
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

    # Spend by theme, with a native chart below the table, on the same page
    spend = SheetWriter(
        workbook,
        "Spend by theme",
        ["Theme", "Committed", "Share of committed", "Paid", "Share of paid"],
        [40, 18, 14, 18, 14],
        pack=pack,
        numeric=(1, 2, 3, 4),
        one_page=True,
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
    chart.y_axis.numFmt = '"£"#,##0'
    chart.legend.position = "b"
    # Themes top to bottom in the table's order; the value axis then crosses at the far end, i.e. the bottom.
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    for col in (2, 4):
        chart.add_data(Reference(spend.sheet, min_col=col, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(spend.sheet, min_col=1, min_row=2, max_row=n + 1))
    # As wide as the table above it (centimetres), so the theme names have room and it prints beside nothing.
    chart.width, chart.height = 24, 11
    spend.sheet.add_chart(chart, f"A{n + 4}")

    # Paid by quarter
    themes = data["themes"]
    quarters = SheetWriter(
        workbook,
        "Paid by quarter",
        ["Quarter"] + [t.short_name for t in themes] + ["Total"],
        [16] + [16] * (len(themes) + 1),
        pack=pack,
        numeric=range(1, len(themes) + 2),
    )
    money_cols = {i: MONEY_FORMAT for i in range(1, len(themes) + 2)}
    for quarter, parts in data["paid_by_quarter"]:
        quarters.row(
            [quarter.label] + [parts[t.slug] for t in themes] + [sum(parts.values(), Decimal("0.00"))], money_cols
        )

    # Outcomes against targets
    outcomes = SheetWriter(
        workbook,
        "Outcomes",
        ["Theme", "Indicator", "Unit", "Project", "Provider", "Period", "Target", "Actual", "Achieved", "RAG"],
        [27, 54, 9, 18, 42, 12, 9, 9, 11, 9],
        pack=pack,
        numeric=(6, 7, 8),
        centre=(9,),
        wrap=(0, 1, 4),
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

    # Project list (status before the dates, so that no figure runs into text)
    projects = SheetWriter(
        workbook,
        "Projects",
        ["Reference", "Title", "Provider", "Call", "Status", "Start", "End", "Award", "Paid to date"]
        + [f"{t.short_name} %" for t in themes],
        [19, 34, 34, 15, 9, 12, 12, 14, 14] + [14] * len(themes),
        pack=pack,
        numeric=range(5, 9 + len(themes)),
        wrap=(1, 2),
    )
    bp_fields = ["prevention_bp", "support_bp", "perpetrators_bp", "trust_bp"]
    for award, paid in selectors.project_list(filters):
        projects.row(
            [
                award.reference,
                award.title,
                award.organisation.name,
                award.call.reference if award.call else "",
                award.get_status_display(),
                award.start_date,
                award.end_date,
                award.amount,
                paid,
            ]
            + [Decimal(getattr(award, f)) / 10000 for f in bp_fields],
            {
                5: DATE_FORMAT,
                6: DATE_FORMAT,
                7: MONEY_FORMAT,
                8: MONEY_FORMAT,
                **{9 + i: "0.00%" for i in range(len(bp_fields))},
            },
        )

    # Overdue returns
    overdue = SheetWriter(
        workbook,
        "Overdue returns",
        ["Reference", "Provider", "Quarter", "Status", "Due", "Days overdue"],
        [19, 40, 14, 18, 13, 10],
        pack=pack,
        numeric=(4, 5),
        wrap=(1,),
    )
    for r in selectors.overdue_returns(filters, today=today):
        overdue.row(
            [
                r.award.reference,
                r.award.organisation.name,
                r.period_label,
                r.get_status_display(),
                r.due_date,
                (today - r.due_date).days,
            ],
            {4: DATE_FORMAT},
        )

    _notes(workbook, pack)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
