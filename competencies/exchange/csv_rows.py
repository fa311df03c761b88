"""Reading CSV text into numbered lines, with the checks every line-based import shares."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from competencies.exchange.errors import ImportRefused, RowError

_BOM = b"\xef\xbb\xbf"
_LARGEST_LEVEL = 32767  # what a PositiveSmallIntegerField holds


class Rows:
    """The lines of a CSV file (1-based, the header is line 1) and the errors found so far."""

    def __init__(self, header: list[str], lines: list[tuple[int, dict[str, str]]]):
        self.header = header
        self.lines = lines
        self.errors: list[RowError] = []
        self._seen: dict[Any, tuple[Any, int]] = {}
        self._codes: dict[str, str] = {}

    def has(self, column: str) -> bool:
        return column in self.header

    def same(self, key: Any, value: Any, line: int, column: str) -> None:
        """Record one value of `key`; a different value on a later line is an error."""
        first, first_line = self._seen.setdefault(key, (value, line))
        if first != value:
            self.errors.append(
                RowError(
                    line,
                    column,
                    _("%(value)s differs from %(first)s on line %(line)s")
                    % {"value": repr(value), "first": repr(first), "line": first_line},
                )
            )

    def single(self, column: str, *, blanks: bool = False) -> str:
        """A column that holds one value for the whole file ("" when absent). With `blanks`,
        lines may leave it empty, and the lines that fill it in must agree."""
        if not self.has(column):
            return ""
        filled = [(line, row[column]) for line, row in self.lines if row[column] or not blanks]
        for line, value in filled:
            self.same(("file", column), value, line, column)
        return filled[0][1] if filled else ""

    def first_line(self, column: str) -> int:
        if self.has(column):
            for line, row in self.lines:
                if row[column]:
                    return line
        return 1

    def integer(self, line: int, row: dict[str, str], column: str) -> int | None:
        value = row[column]
        if not value.isdigit():
            problem = (
                _("is missing")
                if not value
                else _("%(value)s is not a whole number") % {"value": repr(value)}
            )
            self.errors.append(RowError(line, column, problem))
            return None
        if int(value) > _LARGEST_LEVEL:
            self.errors.append(
                RowError(
                    line,
                    column,
                    _("%(value)s is larger than %(largest)s")
                    % {"value": value, "largest": _LARGEST_LEVEL},
                )
            )
            return None
        return int(value)

    def derived_code(self, title: str) -> str:
        """A code of at most 20 characters made from a name; the same name, the same code."""
        key = title.casefold()
        if key not in self._codes:
            base = slugify(title)[:20].strip("-") or "skill"
            code, n = base, 1
            while code in self._codes.values():
                n += 1
                code = f"{base[: 20 - len(str(n)) - 1]}-{n}"
            self._codes[key] = code
        return self._codes[key]


def read_rows(
    content: bytes | str, *, required: Iterable[str], pairs: Iterable[tuple[str, str]] = ()
) -> Rows:
    """Decode and split a CSV file; a bad encoding or header is refused at once."""
    text = _decode(content)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRefused([RowError(line, "", _("holds a NUL character: is this a CSV file?"))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _split(reader, required=required, pairs=pairs)
    except csv.Error as error:
        raise ImportRefused(
            [RowError(reader.line_num, "", _("is not valid CSV: %(error)s") % {"error": error})]
        ) from None


def _split(reader, *, required: Iterable[str], pairs: Iterable[tuple[str, str]]) -> Rows:
    header = [cell.strip() for cell in next(reader, [])]
    errors = []
    if not any(header):
        raise ImportRefused(
            [RowError(1, "", _("the file is empty; the first line must name the columns"))]
        )
    for column in dict.fromkeys(c for c in header if header.count(c) > 1 and c):
        errors.append(RowError(1, column, _("this column appears more than once")))
    for column in required:
        if column not in header:
            errors.append(RowError(1, column, _("missing required column")))
    for one, other in pairs:
        for present, absent in [(one, other), (other, one)]:
            if present in header and absent not in header:
                errors.append(
                    RowError(
                        1,
                        absent,
                        _("missing column (needed with %(column)s)") % {"column": repr(present)},
                    )
                )
    if errors:
        raise ImportRefused(errors)
    lines = []
    end = reader.line_num
    for record in reader:
        start, end = end + 1, reader.line_num
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        for extra in cells[len(header) :]:
            if extra:
                errors.append(
                    RowError(
                        start,
                        _("column %(number)s") % {"number": len(header) + 1},
                        _("a cell past the last column"),
                    )
                )
                break
        cells += [""] * (len(header) - len(cells))
        lines.append((start, dict(zip(header, cells, strict=False))))
    rows = Rows(header, lines)
    rows.errors.extend(errors)
    return rows


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    content = content.removeprefix(_BOM)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        line_start = content.rfind(b"\n", 0, offset) + 1
        before = content[line_start:offset].decode("utf-8", errors="replace")
        column = max(len(next(csv.reader([before]), [""])) - 1, 0)
        first = content.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        header = next(csv.reader([first]), [])
        field = (
            header[column].strip()
            if column < len(header)
            else _("column %(number)s") % {"number": column + 1}
        )
        message = _(
            'is not UTF-8 text (byte %(byte)s); save the file as "CSV UTF-8" and try again'
        ) % {"byte": f"0x{content[offset]:02x}"}
        raise ImportRefused(
            [RowError(content.count(b"\n", 0, offset) + 1, field, message)]
        ) from None
