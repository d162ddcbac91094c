import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from commissioning.models import Indicator, Theme
from outcomes.reporting import boardpack, selectors
from outcomes.reporting.boardpack import LINE_HEIGHT, build_board_pack, wrapped_lines
from outcomes.reporting.definitions import DEFINITIONS
from tests.factories import OrganisationFactory

from .conftest import TODAY
from .factories import AwardFactory, paid, quarterly_return, result, target

pytestmark = pytest.mark.django_db
SHEETS = ["Summary", "Spend by theme", "Paid by quarter", "Outcomes", "Projects", "Overdue returns", "Notes"]
HEADER_ROWS = {"Summary": 5, "Notes": 5}  # after their title lines; every other sheet starts with its headers


@pytest.fixture
def pack_data():
    women = Indicator.objects.get(code="survivors-supported-women")
    evil = OrganisationFactory(name='=HYPERLINK("http://x","y")')
    a = AwardFactory(
        organisation=evil,
        amount=Decimal("1000.01"),
        prevention_bp=3333,
        support_bp=3333,
        perpetrators_bp=3334,
        trust_bp=0,
    )
    b = AwardFactory(amount=Decimal("2000.00"))
    c = AwardFactory(amount=Decimal("3000.00"))
    paid(a, "500.00", dt.date(2026, 7, 1))
    paid(b, "1000.00", dt.date(2026, 10, 1))
    for award, actual in ((a, 3), (b, 20), (c, 8)):
        r = quarterly_return(award, 2026, 1)
        target(award, women, 2026, 1, 10)
        result(r, women, actual)
    quarterly_return(c, 2026, 2, status="not_started")  # due 21 October 2026: overdue on TODAY
    return a, b, c


def _pack(now=None, **kwargs):
    content = build_board_pack(selectors.Filters(financial_year=2026, **kwargs), today=TODAY, now=now)
    return openpyxl.load_workbook(io.BytesIO(content)), content


def test_every_sheet_is_present_and_laid_out(pack_data):
    book, _ = _pack()
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        header = HEADER_ROWS.get(sheet.title, 1)
        assert sheet.freeze_panes == f"A{header + 1}", sheet.title
        assert all(cell.font.bold for cell in sheet[header] if cell.value is not None), sheet.title
        assert sheet.column_dimensions["A"].width > 10, sheet.title
    spend = book["Spend by theme"]
    assert spend["B2"].number_format == '"£"#,##0.00' and spend["C2"].number_format == "0.0%"
    assert len(spend._charts) == 1 and type(spend._charts[0]).__name__ == "BarChart"


def test_every_sheet_is_set_up_to_print(pack_data):
    """Landscape A4, one page wide (the RAG column prints beside its rows), the header row repeated on every
    page, and a header and footer naming the pack, the sheet and the page: read back as Excel stores them."""
    book, _ = _pack()
    for sheet in book.worksheets:
        header = HEADER_ROWS.get(sheet.title, 1)
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert int(setup.fitToWidth) == 1, sheet.title
        # The short sheets fit on one page (so the chart stays with its table); long ones run down the pages.
        assert int(setup.fitToHeight) == (1 if sheet.title in ("Summary", "Spend by theme") else 0), sheet.title
        assert sheet.print_title_rows == f"${header}:${header}", sheet.title
        assert sheet.oddFooter.left.text == "&A" and "&P" in sheet.oddFooter.right.text, sheet.title
        assert sheet.oddHeader.left.text == "BCSP VAWG strategy: board pack, 2026/27", sheet.title
    chart = book["Spend by theme"]._charts[0]
    assert chart.anchor._from.col == 0 and chart.anchor._from.row > book["Spend by theme"].max_row - 1  # below


def test_wrapped_headers_and_rows_are_tall_enough(pack_data):
    """LibreOffice does not re-fit row heights when it opens a workbook, so a wrapped header or cell with
    the default height prints over the next row. Every wrapping row has room for its lines."""
    book, _ = _pack()
    for sheet in book.worksheets:
        header = HEADER_ROWS.get(sheet.title, 1)
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[header]]
        lines = max(
            wrapped_lines(str(cell.value), width, bold=True)
            for cell, width in zip(sheet[header], widths)
            if cell.value is not None
        )
        assert sheet.row_dimensions[header].height >= LINE_HEIGHT * lines, sheet.title
        assert all(cell.alignment.wrap_text for cell in sheet[header] if cell.value is not None), sheet.title
    spend = book["Spend by theme"]
    assert spend.row_dimensions[1].height >= 2 * LINE_HEIGHT  # "Share of committed" takes two lines
    notes = book["Notes"]
    long_row = next(r for r in notes.iter_rows(min_row=6) if r[0].value == "Committed against a year")
    assert long_row[1].alignment.wrap_text and notes.row_dimensions[long_row[1].row].height >= 2 * LINE_HEIGHT


def test_wrapped_lines_measures_by_words():
    assert wrapped_lines("Short", 20) == 1
    assert wrapped_lines("0" * 19, 20) == 1 and wrapped_lines("0" * 20, 20) == 2  # cell margins take a little
    assert wrapped_lines("0000 0000 0000 0000 0000", 10) == 3  # two words of four digits to a line
    assert wrapped_lines("0" * 30, 10) == 4  # a word longer than the line breaks across lines
    assert wrapped_lines("WWWWWWWWWW", 10) > wrapped_lines("iiiiiiiiii", 10)  # wide letters take more room
    assert wrapped_lines("Share of committed", 14, bold=True) == 2


def test_notes_sheet_gives_every_definition_and_when_the_figures_were_taken(pack_data):
    taken = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
    book, _ = _pack(now=taken)
    rows = list(book["Notes"].iter_rows(values_only=True))
    meanings = {row[0]: row[1] for row in rows[5:]}
    for definition in DEFINITIONS:
        assert meanings[definition.term] == definition.meaning
    assert "Offered, not yet accepted" in meanings and len(DEFINITIONS) == 8
    assert rows[1][0] == "Figures taken at 9:30am on 24 November 2026."
    assert book["Summary"]["A3"].value.startswith("Figures taken at 9:30am on 24 November 2026.")
    assert book["Notes"].oddHeader.right.text == "Figures taken at 9:30am on 24 November 2026"


def test_the_pack_reads_the_definitions_and_keeps_no_copy_of_them():
    source = Path(boardpack.__file__).read_text()
    assert "from .definitions import DEFINITIONS" in source
    for definition in DEFINITIONS:
        assert definition.meaning[:40] not in source, definition.key


def test_money_reconciles_in_the_pack(pack_data):
    book, _ = _pack()
    spend = book["Spend by theme"]
    rows = list(spend.iter_rows(min_row=2, values_only=True))
    themes, total = rows[:-1], rows[-1]
    assert total[0] == "Total"
    assert Decimal(str(total[1])) == Decimal("6000.01") and Decimal(str(total[3])) == Decimal("1500.00")
    assert sum(Decimal(str(r[1])) for r in themes) == Decimal("6000.01")
    assert sum(Decimal(str(r[3])) for r in themes) == Decimal("1500.00")
    quarters = list(book["Paid by quarter"].iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(r[-1])) for r in quarters) == Decimal("1500.00")
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=6, values_only=True)}
    assert Decimal(str(summary["Committed (awarded)"])) == Decimal("6000.01")
    assert summary["Overdue returns"] == 1


def test_people_counts_are_suppressed_with_a_secondary_cell(pack_data, settings):
    settings.SMALL_NUMBER_THRESHOLD = 4
    a, b, c = pack_data
    book, _ = _pack()
    rows = [
        r for r in book["Outcomes"].iter_rows(min_row=2, values_only=True) if r[1] == "New survivors supported: women"
    ]
    actual = {r[3]: r[7] for r in rows}
    assert actual[a.reference] == "<5"  # 3: primary
    assert actual[c.reference] == "<5"  # 8: secondary, the next smallest, so 3 cannot be found from the total
    assert actual[b.reference] == 20
    assert actual["All projects"] == 31
    rag = {r[3]: r[9] for r in rows}
    assert rag["All projects"] == "Green"  # 31 of 30
    outcome_sheet = book["Outcomes"]
    fills = {
        outcome_sheet.cell(row=i, column=4).value: outcome_sheet.cell(row=i, column=10).fill.fgColor.rgb
        for i in range(2, outcome_sheet.max_row + 1)
    }
    assert fills[b.reference].endswith("C6EFCE")  # green fill for 200%


def test_formula_injection_is_neutralised_in_the_pack(pack_data):
    book, _ = _pack()
    texts = [c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x","y")' in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    # openpyxl marks formulas with data_type "f": none in the pack.
    assert not [c for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def _libreoffice(path, to, outdir):
    """Convert ``path`` with LibreOffice (installed by ``make libreoffice``, on which ``make test`` depends:
    never skipped). Its own profile folder, so that it does not wait on another LibreOffice running."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is not installed: run `make libreoffice` (make test does)."
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", to, "--outdir", str(outdir), path],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = outdir / f"{path.stem}.{to.split(':')[0]}"
    assert converted.exists(), f"LibreOffice wrote no {converted.name}"
    return converted


def test_pack_opens_in_libreoffice_or_reads_back_cleanly(pack_data, tmp_path):
    _, content = _pack()
    path = tmp_path / "pack.xlsx"
    path.write_bytes(content)
    # LibreOffice saves the first sheet as CSV: the title (with its comma, so quoted) comes back intact.
    first = next(csv.reader(io.StringIO(_libreoffice(path, "csv", tmp_path).read_text(encoding="utf-8"))))
    assert first[0] == "BCSP VAWG strategy: board pack, 2026/27"
    # And openpyxl reads every sheet back, cell by cell.
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.max_row >= 1 and sheet.max_column >= 1
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert value is None or isinstance(value, (str, int, float, dt.datetime, dt.date))
    assert book["Summary"]["A1"].value == "BCSP VAWG strategy: board pack, 2026/27"


def test_a_year_of_synthetic_data_prints_on_tens_of_pages(tmp_path):
    """A borough's year (generate_synthetic scale 1: hundreds of outcome and project rows) printed to PDF by
    LibreOffice: tens of pages, not the 170 it took before the pack had a page set-up. Each page's footer
    names its sheet; every page of a long sheet repeats its headers, the RAG column included; the chart
    prints whole on its table's page, theme names and all."""
    call_command("generate_synthetic", scale=1, seed=7, today=TODAY, stdout=io.StringIO())
    path = tmp_path / "pack.xlsx"
    path.write_bytes(_pack()[1])
    book = openpyxl.load_workbook(path)
    assert book["Outcomes"].max_row > 1000 and book["Projects"].max_row > 100
    pages = [page.extract_text() for page in PdfReader(_libreoffice(path, "pdf", tmp_path)).pages]
    assert 10 <= len(pages) <= 60, len(pages)
    by_sheet = {}
    for number, text in enumerate(pages, start=1):
        footer = text.splitlines()[1]  # the page header's line, then the footer's: "<sheet> Page n of N"
        sheet, _, page = footer.rpartition(" Page ")
        assert page == f"{number} of {len(pages)}", footer
        by_sheet.setdefault(sheet, []).append(text)
    assert list(by_sheet) == SHEETS
    for sheet in ("Summary", "Spend by theme", "Paid by quarter", "Notes"):
        assert len(by_sheet[sheet]) == 1, sheet
    for text in by_sheet["Outcomes"]:
        assert "Theme Indicator Unit Project Provider Period Target Actual Achieved RAG" in text
    for text in by_sheet["Projects"]:
        assert "Reference Title Provider Call Status Start End Award Paid to date" in text
    spend = by_sheet["Spend by theme"][0]
    assert "Committed and paid by theme, 2026/27" in spend
    for theme in Theme.objects.all():
        assert spend.count(theme.name) == 2, theme.name  # in the table and, whole, on the chart's axis


def test_pack_with_no_data_still_has_every_sheet():
    book, _ = _pack()
    assert book.sheetnames == SHEETS


def test_suppressed_counts_line_up_with_the_figures(pack_data):
    book, _ = _pack()
    sheet = book["Outcomes"]
    hidden = [row[7] for row in sheet.iter_rows(min_row=2) if row[7].value == "<5"]
    assert hidden and all(cell.alignment.horizontal == "right" for cell in hidden)
    assert all(row[9].alignment.horizontal == "center" for row in sheet.iter_rows(min_row=2))  # RAG
