"""The one error an import raises: every fault in the file at once, by line (or JSON path)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One fault. `line` is 1-based with the header as line 1; None for JSON, where `field` is
    a path such as "CFItems[3].humanCodingScheme"."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        where += [self.field] if self.field else []
        return f"{', '.join(where) or 'file'}: {self.message}"


class ImportRefused(Exception):
    """The file was refused whole; nothing was written."""

    def __init__(self, errors: list[RowError]):
        # Stable: errors without a line keep the order they were found in.
        self.errors = sorted(errors, key=lambda error: error.line or 0)
        shown = "; ".join(str(error) for error in self.errors[:3])
        more = f" (and {len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
        super().__init__(f"The file was refused: {shown}{more}")
