"""The one error an import raises: every fault in the file at once, by line (or JSON path)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RowError:
    """One fault. `line` is 1-based with the header as line 1; None for JSON, where `field` is
    a path such as "CFItems[3].humanCodingScheme"."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = [_("line %(line)s") % {"line": self.line}] if self.line is not None else []
        where += [self.field] if self.field else []
        # Translators: where a problem is when it belongs to no line or field.
        whole = _("file")
        return f"{', '.join(where) or whole}: {self.message}"


class ImportRefused(Exception):
    """The file was refused whole; nothing was written."""

    def __init__(self, errors: list[RowError]):
        # Stable: errors without a line keep the order they were found in.
        self.errors = sorted(errors, key=lambda error: error.line or 0)
        shown = "; ".join(str(error) for error in self.errors[:3])
        refused = _("The file was refused: %(problems)s") % {"problems": shown}
        if (more := len(self.errors) - 3) > 0:
            # Translators: added after the first three problems of a refused import file.
            refused += ngettext(" (and %(count)s more)", " (and %(count)s more)", more) % {
                "count": more
            }
        super().__init__(refused)
