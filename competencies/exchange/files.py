"""Import and export as the commands and the CMS use them: file content in, framework out, and
the reverse."""

import json
from dataclasses import dataclass
from pathlib import PurePath

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from accounts.models import User
from competencies.exchange.case import case_export
from competencies.exchange.case_parse import case_parse
from competencies.exchange.data import framework_data, held_now
from competencies.exchange.uk_csv import csv_export, csv_parse
from competencies.exchange.writer import framework_write
from competencies.models import Framework
from xapi.vocab import site_iri

FORMATS = {"csv": gettext_lazy("CSV in the UK layout"), "case": gettext_lazy("1EdTech CASE JSON")}
# What each count of an import summary names, for a number.
_COUNTED = {
    "levels": lambda n: ngettext("%(count)s level", "%(count)s levels", n),
    "areas": lambda n: ngettext("%(count)s area", "%(count)s areas", n),
    "competencies": lambda n: ngettext("%(count)s competency", "%(count)s competencies", n),
    "descriptors": lambda n: ngettext("%(count)s descriptor", "%(count)s descriptors", n),
    "crosswalk links": lambda n: ngettext(
        "%(count)s crosswalk link", "%(count)s crosswalk links", n
    ),
    "role requirements": lambda n: ngettext(
        "%(count)s role requirement", "%(count)s role requirements", n
    ),
}
_EXTENSIONS = {".csv": "csv", ".json": "case"}


@dataclass(frozen=True)
class Imported:
    framework: Framework
    counts: dict[str, int]
    notes: list[str]

    def summary(self) -> str:
        counts = ", ".join(
            _COUNTED[what](number) % {"count": number} if what in _COUNTED else f"{number} {what}"
            for what, number in self.counts.items()
        )
        return _("Imported %(framework)s (%(slug)s): %(counts)s.") % {
            "framework": self.framework,
            "slug": self.framework.slug,
            "counts": counts,
        }


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    text: str

    @property
    def body(self) -> bytes:
        # A byte order mark lets spreadsheet programs open the CSV as UTF-8.
        return self.text.encode("utf-8-sig" if self.filename.endswith(".csv") else "utf-8")


def format_for(filename: str) -> str | None:
    """The format a file name suggests ("csv" or "case"), or None."""
    return _EXTENSIONS.get(PurePath(filename).suffix.lower())


def framework_import(
    content: bytes | str,
    *,
    file_format: str,
    name: str | None = None,
    version: str | None = None,
    draft: bool = False,
    kinds: dict[str, str] | None = None,
    user: User | None = None,
) -> Imported:
    """Check the whole file, then write it in one transaction. Raises ImportRefused (listing
    every problem, nothing written) when anything is wrong. `name` and `version` replace the
    file's; `draft` imports the framework as a draft whatever status the file gives it; `kinds`
    maps a CASE package's item types to areas or competencies (see case_tree)."""
    if file_format not in FORMATS:
        raise ValueError(f"Unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")
    options = {"name": name or None, "version": version or None}
    if file_format == "csv":
        data = csv_parse(content, held=held_now(), **options)
    else:
        data = case_parse(content, held=held_now(), kinds=kinds, **options)
    if draft:
        data["status"] = Framework.Status.DRAFT
    with transaction.atomic():
        written = framework_write(data)
        log(instance=written.framework, action="wagtail.create", user=user)
    notes = list(data["notes"])
    if written.renewed:
        notes.append(
            ngettext(
                "%(count)s identifier(s) in the file were already held here, so those rows "
                "got new ones (a competency that was held is recorded as superseded).",
                "%(count)s identifier(s) in the file were already held here, so those rows "
                "got new ones (a competency that was held is recorded as superseded).",
                len(written.renewed),
            )
            % {"count": len(written.renewed)}
        )
    return Imported(framework=written.framework, counts=written.counts, notes=notes)


def framework_export(framework: Framework, *, file_format: str) -> ExportFile:
    if file_format not in FORMATS:
        raise ValueError(f"Unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")
    data = framework_data(framework)
    stem = f"{framework.slug}-{slugify(framework.version) or 'version'}"
    if file_format == "csv":
        return ExportFile(f"{stem}.csv", "text/csv; charset=utf-8", csv_export(data))
    package = case_export(data, base_uri=site_iri("ims/case/v1p1"))
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    return ExportFile(f"{stem}.case.json", "application/json", text)
