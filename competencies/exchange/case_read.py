"""Typed reads from a CFPackage with every fault kept under its JSON path, and the readers
for its crosswalk links and rubrics."""

import re
from math import isfinite
from typing import Any
from urllib.parse import unquote

from django.db.models import Model
from django.utils.translation import gettext

from competencies.exchange.data import too_long
from competencies.exchange.errors import RowError
from competencies.models import CrosswalkLink

_LARGEST_LEVEL = 32767  # what a PositiveSmallIntegerField holds
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Package:
    """Typed reads from the JSON with every fault recorded under its path."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def fault(self, path: str, message: str) -> None:
        self.errors.append(RowError(None, path, message))

    def obj(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.fault(path, gettext("must be a JSON object"))
            return {}
        return value

    def array(self, parent: dict, key: str, path: str) -> list:
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.fault(f"{path}{key}", gettext("must be a JSON array"))
            return []
        return value

    def text(
        self,
        parent: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        model: type[Model] | None = None,
        field: str = "",
    ) -> str:
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.fault(f"{path}{key}", gettext("is required"))
            return ""
        if not isinstance(value, str):
            self.fault(f"{path}{key}", gettext("must be a string"))
            return ""
        if model is not None and (problem := too_long(value, model, field)):
            self.fault(f"{path}{key}", problem)
        return value

    def require(self, parent: dict, keys: tuple[str, ...], path: str) -> None:
        """The keys CASE requires but this import does not keep must still be there."""
        for key in keys:
            self.text(parent, key, path, required=True)

    def identifier(self, parent: dict, key: str, path: str) -> str:
        value = self.text(parent, key, path, required=True)
        if value and not UUID.match(value.lower()):
            self.fault(f"{path}{key}", gettext("%(value)s is not a UUID") % {"value": repr(value)})
            return ""
        return value.lower()


def crosswalk_link(
    check: Package, association: dict, target: dict, groupings: dict, path: str
) -> dict | None:
    title, uri = str(target.get("title", "")), str(target.get("uri", ""))
    grouping = association.get("CFAssociationGroupingURI")
    scheme = ""
    if isinstance(grouping, dict):
        scheme = groupings.get(str(grouping.get("identifier"))) or grouping.get("title") or ""
    scheme = scheme if isinstance(scheme, str) else ""
    if scheme and title.startswith(f"{scheme} "):
        code = title.removeprefix(f"{scheme} ")
    elif uri.startswith("urn:") and uri.count(":") == 2:
        scheme, code = (unquote(part) for part in uri.split(":")[1:])
    else:
        check.fault(
            f"{path}destinationNodeURI", gettext("cannot tell the crosswalk scheme and code")
        )
        return None
    for value, field, key in [
        (scheme, "scheme", "CFAssociationGroupingURI"),
        (code, "code", "destinationNodeURI"),
    ]:
        if problem := too_long(value, CrosswalkLink, field):
            check.fault(f"{path}{key}", problem)
    identifier = str(target.get("identifier", "")).lower()
    return {
        "scheme": scheme,
        "code": code,
        "target": identifier if UUID.match(identifier) else None,
    }


def _level_number(score: Any) -> bool:
    if isinstance(score, bool) or not isinstance(score, int | float) or not isfinite(score):
        return False
    return score == int(score) and 0 <= score <= _LARGEST_LEVEL


def read_rubrics(
    check: Package,
    root: dict,
    items: dict[str, dict],
    competencies: dict[str, dict],
    scale: dict[int, tuple[str, str]],
    notes: list[str] | None = None,
) -> dict[str, dict[int, str]]:
    """competency identifier -> {level: descriptor}; an empty scale is filled from the levels.
    A level without a score takes its position (CASE makes the score optional)."""
    closed = bool(scale)
    descriptors: dict[str, dict[int, str]] = {}
    for r, rubric in enumerate(check.array(root, "CFRubrics", "")):
        rubric = check.obj(rubric, f"CFRubrics[{r}]")
        for c, criterion in enumerate(check.array(rubric, "CFRubricCriteria", f"CFRubrics[{r}].")):
            path = f"CFRubrics[{r}].CFRubricCriteria[{c}]."
            criterion = check.obj(criterion, path.rstrip("."))
            item = check.obj(criterion.get("CFItemURI"), f"{path}CFItemURI")
            identifier = str(item.get("identifier", "")).lower()
            if identifier in items and identifier not in competencies:
                if items[identifier].get("ok") and notes is not None:
                    notes.append(
                        gettext(
                            "%(where)s: %(item)s became an area, so its level descriptors are "
                            "not kept"
                        )
                        % {"where": path.rstrip("."), "item": items[identifier]["path"]}
                    )
                continue  # otherwise a problem with the item itself is reported already
            if identifier not in competencies:
                check.fault(
                    f"{path}CFItemURI",
                    gettext("%(item)s is not a Competency item here")
                    % {"item": identifier or gettext("nothing")},
                )
                continue
            found = descriptors.setdefault(identifier, {})
            for n, level in enumerate(check.array(criterion, "CFRubricCriterionLevels", path)):
                where = f"{path}CFRubricCriterionLevels[{n}]."
                level = check.obj(level, where.rstrip("."))
                score, quality = (
                    level.get("score", level.get("position")),
                    check.text(level, "quality", where, required=True),
                )
                if not _level_number(score):
                    check.fault(
                        f"{where}score",
                        gettext("%(value)s is not a level number") % {"value": repr(score)},
                    )
                    continue
                score = int(score)
                if not closed and quality and score not in scale:
                    scale[score] = (quality, "")
                if score not in scale or scale[score][0].casefold() != quality.casefold():
                    known = "; ".join(f"{k} {v[0]}" for k, v in sorted(scale.items()))
                    check.fault(
                        where.rstrip("."),
                        gettext("unknown level %(number)s %(name)s; the scale is: %(scale)s")
                        % {"number": score, "name": repr(quality), "scale": known},
                    )
                elif score in found:
                    check.fault(
                        f"{where}score",
                        gettext("level %(number)s is described twice") % {"number": score},
                    )
                elif text := check.text(level, "description", where):
                    found[score] = text
    return descriptors
