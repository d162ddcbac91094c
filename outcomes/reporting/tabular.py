"""Writing and reading flat tables (CSV and XLSX). Every exported cell goes through ``safe_cell``; every
imported XLSX goes through ``open_workbook_safely`` and refuses formulas."""

import csv
import datetime as dt
import io

import tablib
from django.core.exceptions import ValidationError

from commissioning.spreadsheets import is_formula, open_workbook_safely, safe_row, write_only_xlsx

IMPORT_MAX_BYTES = 5 * 1024 * 1024


def to_csv(headers, rows, *, bom=True) -> bytes:
    """UTF-8 CSV. ``bom``: start with a byte-order mark so Excel opens the file with the right characters (£,
    accents); open-data CSVs leave it out, because converters such as flattentool read it as part of the first
    column's title."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(headers))
    for row in rows:
        writer.writerow(safe_row(["" if v is None else v for v in row]))
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def to_xlsx(headers, rows, *, title="Data") -> bytes:
    return write_only_xlsx(headers, rows, title=title)


def _text(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def read_dataset(name: str, data: bytes) -> tablib.Dataset:
    """A tablib Dataset from an uploaded CSV or XLSX. Raises ValidationError with a clear message."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        workbook = open_workbook_safely(data, max_bytes=IMPORT_MAX_BYTES)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows())
        formulas = [cell.coordinate for row in rows for cell in row if is_formula(cell.value)]
        if formulas:
            raise ValidationError(
                f"The workbook contains formulas in {', '.join(formulas[:10])}"
                f"{' and more' if len(formulas) > 10 else ''}. Replace them with plain values and upload it again."
            )
        values = [[_text(cell.value) for cell in row] for row in rows if any(c.value not in (None, "") for c in row)]
    elif lower.endswith(".csv"):
        if len(data) > IMPORT_MAX_BYTES:
            raise ValidationError(f"The file must be smaller than {IMPORT_MAX_BYTES // (1024 * 1024)} MB.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "The CSV file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again."
            ) from exc
        values = [row for row in csv.reader(io.StringIO(text)) if any(v.strip() for v in row)]
        formulas = [f"row {i + 1}" for i, row in enumerate(values) for v in row if v.startswith("=")]
        if formulas:
            raise ValidationError(
                f"The file contains formulas ({', '.join(sorted(set(formulas))[:10])}). Replace them with plain values."
            )
    else:
        raise ValidationError("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
    if not values:
        raise ValidationError("The file has no rows.")
    headers = [h.strip() for h in values[0]]
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in values[1:]:
        row = (list(row) + [""] * width)[:width]
        dataset.append(row)
    return dataset
