"""Spreadsheet safety, shared by every import and export in the project.

Exports: ``safe_cell`` neutralises values a spreadsheet would run as a formula (CSV/formula injection).
Imports: ``open_workbook_safely`` refuses oversize files, zip bombs, macro-enabled workbooks, external links,
embedded objects and data connections before openpyxl parses anything; formulas are refused where a figure is
expected (returns, imports) and anywhere in a workbook kept as an attachment (``check_values_only_workbook``).
"""

import io
import zipfile

from django.core.exceptions import ValidationError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


def safe_cell(value):
    """Return ``value`` safe to put in an exported cell: text starting with a formula trigger gets a
    leading apostrophe so spreadsheet programs show it as text. Numbers, dates and None pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(value) for value in values]


def expands_too_far(infos, compressed_size: int) -> bool:
    """A zip (every Office and OpenDocument file is one) that would expand past the limits: a "zip bomb"
    that harms whoever opens it later. The one rule for every upload of a zip-based file."""
    uncompressed = sum(info.file_size for info in infos)
    return uncompressed > MAX_UNCOMPRESSED_BYTES or uncompressed > MAX_COMPRESSION_RATIO * max(compressed_size, 1)


def inspect_xlsx_bytes(data: bytes, *, max_bytes: int):
    """Raise ValidationError (listing every problem) unless ``data`` is a plain, reasonably sized XLSX."""
    size = len(data)
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > max_bytes:
        raise ValidationError(
            f"The file must be smaller than {max_bytes // (1024 * 1024)} MB. It is {size / (1024 * 1024):.1f} MB.",
            code="too_large",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("The file is not an Excel workbook (.xlsx).", code="not_xlsx")
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if expands_too_far(infos, size):
            raise ValidationError(
                "The file expands to a suspicious size when opened, so it was refused. Save it again from Excel "
                "and upload the new copy.",
                code="zip_bomb",
            )
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise ValidationError("The file is not an Excel workbook (.xlsx).", code="not_xlsx")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            problems.append("The workbook contains macros. Save it as an Excel Workbook (.xlsx) without macros.")
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        if "macroEnabled" in content_types:
            if not problems:
                problems.append("The workbook is macro-enabled (.xlsm). Save it as an Excel Workbook (.xlsx).")
        if any(name.startswith("xl/externalLinks/") for name in names):
            problems.append("The workbook links to other files. Remove the external links and upload it again.")
        if any(name.startswith(("xl/embeddings/", "xl/activeX/")) for name in names):
            problems.append(
                "The workbook contains embedded objects or controls, which can start programs. Remove them and "
                "upload it again."
            )
        if "xl/connections.xml" in names:
            problems.append(
                "The workbook fetches data from outside (a data connection). Remove the connection and upload it again."
            )
    if problems:
        raise ValidationError(problems, code="unsafe_workbook")


def open_workbook_safely(uploaded, *, max_bytes: int, read_only=False):
    """Check then load an uploaded XLSX (a file-like object or bytes). Formulas are kept as text
    (``data_only=False``) so that callers can refuse them in input cells."""
    import openpyxl

    data = uploaded if isinstance(uploaded, bytes) else uploaded.read()
    inspect_xlsx_bytes(data, max_bytes=max_bytes)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ValidationError(
            "The workbook could not be read. Save it again as an Excel Workbook (.xlsx) and upload it.",
            code="unreadable",
        ) from exc


MAX_CELLS_NAMED = 5


def formula_cells(workbook) -> list[str]:
    """Where ``workbook`` (opened by open_workbook_safely) holds formulas: "Sheet 'Budget', cell B7"."""
    found = []
    for sheet in workbook.worksheets:
        for row in getattr(sheet, "iter_rows", lambda: [])():
            for cell in row:
                if is_formula(cell.value):
                    found.append(f"Sheet '{sheet.title}', cell {cell.coordinate}")
    return found


def check_values_only_workbook(data: bytes, *, max_bytes: int):
    """Every check a returns upload gets (size, zip bomb, macros, external links, embedded objects), and no
    formula anywhere: for workbooks that are kept and opened by others, where every cell is input."""
    workbook = open_workbook_safely(data, max_bytes=max_bytes, read_only=True)
    try:
        cells = formula_cells(workbook)
    finally:
        workbook.close()
    if cells:
        more = len(cells) - MAX_CELLS_NAMED
        listed = "; ".join(cells[:MAX_CELLS_NAMED]) + (f" and {more} more" if more > 0 else "")
        raise ValidationError(
            f"The workbook contains formulas ({listed}). Spreadsheets must hold values only: copy the cells, "
            "paste them back as values, save, and upload it again (or upload it as a PDF).",
            code="formulas",
        )


def is_formula(value) -> bool:
    """True for a formula as openpyxl reads it with data_only=False (text starting "=", or an array or
    data-table formula object)."""
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


def write_only_xlsx(headers, rows, *, title="Data") -> bytes:
    """One sheet written row by row in openpyxl's write-only mode: see ``write_only_workbook``."""
    return write_only_workbook([(title, headers, rows)])


def write_only_workbook(sheets) -> bytes:
    """Sheets, each ``(title, headers, rows)``, written row by row in openpyxl's write-only mode: memory stays
    flat however many rows, and it costs little more than the file format itself. Every cell goes through
    ``safe_cell``; Decimals become numbers; each header row is frozen and columns are sized to their headings."""
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        headers = list(headers)
        # Sheet properties must be set before the first row is written.
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(str(header)) + 4, 40))
        sheet.append(safe_row(headers))
        for row in rows:
            sheet.append(safe_row([float(v) if isinstance(v, Decimal) else v for v in row]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
