import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from commissioning.models import Indicator
from outcomes.reporting import selectors
from outcomes.reporting.boardpack import build_board_pack
from tests.factories import OrganisationFactory

from .conftest import TODAY
from .factories import AwardFactory, paid, quarterly_return, result, target

pytestmark = pytest.mark.django_db
SHEETS = ["Summary", "Spend by theme", "Paid by quarter", "Outcomes", "Projects", "Overdue returns"]


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


def _pack(**kwargs):
    content = build_board_pack(selectors.Filters(financial_year=2026, **kwargs), today=TODAY)
    return openpyxl.load_workbook(io.BytesIO(content)), content


def test_every_sheet_is_present_and_laid_out(pack_data):
    book, _ = _pack()
    assert book.sheetnames == SHEETS
    for name in SHEETS[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), name
        assert sheet.column_dimensions["A"].width > 10, name
    spend = book["Spend by theme"]
    assert spend["B2"].number_format == '"£"#,##0.00' and spend["C2"].number_format == "0.0%"
    assert len(spend._charts) == 1 and type(spend._charts[0]).__name__ == "BarChart"


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


def test_pack_opens_in_libreoffice_or_reads_back_cleanly(pack_data, tmp_path):
    _, content = _pack()
    path = tmp_path / "pack.xlsx"
    path.write_bytes(content)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office:
        subprocess.run(
            [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert (tmp_path / "pack.csv").read_text(encoding="utf-8", errors="replace").startswith("BCSP VAWG strategy")
    # Always: read every sheet back, cell by cell (LibreOffice is not installed everywhere).
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.max_row >= 1 and sheet.max_column >= 1
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert value is None or isinstance(value, (str, int, float, dt.datetime, dt.date))
    assert book["Summary"]["A1"].value == "BCSP VAWG strategy: board pack, 2026/27"


def test_pack_with_no_data_still_has_every_sheet():
    book, _ = _pack()
    assert book.sheetnames == SHEETS
