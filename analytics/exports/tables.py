"""A report's table as a file: CSV or XLSX holding exactly the cells the page shows, header
first. Names and titles come from people and authors, so no cell is ever read as a formula."""

import csv
import io
from collections.abc import Sequence

from django.utils.functional import Promise

from analytics.exports.report_files import CONTENT_TYPES, FORMULA_STARTS

TABLE_FORMATS = ("csv", "xlsx")
Cell = str | int | None


def _plain(value):
    """A translatable label as the text it reads in the active language; other values as they
    are (numbers stay numbers)."""
    return str(value) if isinstance(value, Promise) else value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    text = str(value)
    # A leading apostrophe is how spreadsheets mark a cell as text, and shows that it is.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(label) for label in header])
    for row in rows:
        writer.writerow([_text(value) for value in row])
    # A byte-order mark so spreadsheet programs read the names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    # Sheet titles are at most 31 characters and may not hold []:*?/\.
    sheet.title = "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Report"
    sheet.append([str(label) for label in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_plain(value) for value in row])
    for line in sheet.iter_rows():
        for cell in line:
            # openpyxl stores a string starting with "=" as a formula; every value here is data.
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_file(
    extension: str, *, title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> tuple[bytes, str]:
    """The file's bytes and content type; `extension` must be one of TABLE_FORMATS."""
    if extension == "csv":
        return table_csv(header, rows), CONTENT_TYPES["csv"]
    if extension == "xlsx":
        return table_xlsx(title, header, rows), CONTENT_TYPES["xlsx"]
    raise ValueError(f"Unknown table format {extension!r}: use csv or xlsx.")
