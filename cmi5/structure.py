"""Reading a cmi5 course structure (cmi5.xml): the schema, then the rules the schema cannot say.

Pure: bytes in, a plain tree out, or PackageRejected naming what is wrong. Nothing is stored.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.utils.translation import gettext
from lxml import etree

from packages.errors import PackageRejected

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
SCHEMA_PATH = Path(__file__).parent / "schema" / "CourseStructure.xsd"
# The launch URL's own query parameters; an AU's URL may not set them itself (cmi5 8.1).
LAUNCH_PARAMETERS = ("endpoint", "fetch", "actor", "registration", "activityId")
_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_ABSOLUTE_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_NS = {"c": NAMESPACE}


@dataclass
class AuSpec:
    publisher_id: str
    title: str
    description: str
    url: str
    move_on: str
    mastery_score: Decimal | None
    launch_method: str
    launch_parameters: str
    entitlement_key: str
    activity_type: str
    objective_ids: list[str]


@dataclass
class BlockSpec:
    publisher_id: str
    title: str
    description: str
    objective_ids: list[str]
    children: list["BlockSpec | AuSpec"] = field(default_factory=list)


@dataclass
class CourseSpec:
    publisher_id: str
    title: str
    description: str
    objectives: dict[str, str]  # publisher id -> title
    children: list[BlockSpec | AuSpec]

    def aus(self) -> list[AuSpec]:
        """Every AU in course order (document order)."""
        found: list[AuSpec] = []

        def walk(nodes):
            for node in nodes:
                if isinstance(node, AuSpec):
                    found.append(node)
                else:
                    walk(node.children)

        walk(self.children)
        return found


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def course_structure_parse(xml: bytes, *, in_zip: bool, zip_names: frozenset[str] = frozenset()):
    """The course a cmi5.xml describes. `in_zip`: the structure came inside a zip, whose file
    names (`zip_names`, relative to its root) relative AU URLs must name."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise PackageRejected(
            gettext("The cmi5.xml is not well-formed XML: %(error)s.") % {"error": error.msg}
        ) from None
    schema = _schema()
    if not schema.validate(root):
        first = schema.error_log.filter_from_errors()[0]
        raise PackageRejected(
            gettext(
                "The cmi5.xml does not follow the cmi5 course structure schema (line %(line)s): "
                "%(message)s"
            )
            % {"line": first.line, "message": first.message}
        )
    course_node = root.find("c:course", _NS)
    ids: set[str] = set()
    course_id = _iri(course_node.get("id"), gettext("The course id"), ids)
    objectives = {}
    for objective in root.findall("c:objectives/c:objective", _NS):
        objective_id = _iri(objective.get("id"), gettext("An objective id"), ids)
        objectives[objective_id] = _text(objective, "title")
    children = _children(root, ids, objectives, in_zip=in_zip, zip_names=zip_names)
    return CourseSpec(
        publisher_id=course_id,
        title=_text(course_node, "title"),
        description=_text(course_node, "description"),
        objectives=objectives,
        children=children,
    )


def _children(node, ids: set[str], objectives: dict, *, in_zip: bool, zip_names) -> list:
    children: list[BlockSpec | AuSpec] = []
    for child in node:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname if child.tag.startswith("{") else child.tag
        if etree.QName(child).namespace != NAMESPACE:
            continue
        if tag == "block":
            block = BlockSpec(
                publisher_id=_iri(child.get("id"), gettext("A block id"), ids),
                title=_text(child, "title"),
                description=_text(child, "description"),
                objective_ids=_objective_refs(child, objectives),
            )
            block.children = _children(child, ids, objectives, in_zip=in_zip, zip_names=zip_names)
            children.append(block)
        elif tag == "au":
            children.append(_au(child, ids, objectives, in_zip=in_zip, zip_names=zip_names))
    return children


def _au(node, ids: set[str], objectives: dict, *, in_zip: bool, zip_names) -> AuSpec:
    publisher_id = _iri(node.get("id"), gettext("An AU id"), ids)
    url = (node.findtext("c:url", "", _NS) or "").strip()
    _check_url(url, publisher_id, in_zip=in_zip, zip_names=zip_names)
    mastery = node.get("masteryScore")
    launch_parameters = node.find("c:launchParameters", _NS)
    entitlement_key = node.find("c:entitlementKey", _NS)
    return AuSpec(
        publisher_id=publisher_id,
        title=_text(node, "title"),
        description=_text(node, "description"),
        url=url,
        move_on=node.get("moveOn", "NotApplicable"),
        mastery_score=Decimal(mastery.strip()) if mastery is not None else None,
        launch_method=node.get("launchMethod", "AnyWindow"),
        launch_parameters=(launch_parameters.text or "").strip()
        if launch_parameters is not None
        else "",
        entitlement_key=(entitlement_key.text or "").strip() if entitlement_key is not None else "",
        activity_type=(node.get("activityType") or "").strip(),
        objective_ids=_objective_refs(node, objectives),
    )


def _check_url(url: str, au_id: str, *, in_zip: bool, zip_names) -> None:
    if any(character.isspace() for character in url) or not url:
        raise PackageRejected(
            gettext("The URL of AU %(au)s is not a valid URL: %(url)r.") % {"au": au_id, "url": url}
        )
    parts = urlsplit(url)
    clashes = sorted({name for name, _ in parse_qsl(parts.query)} & set(LAUNCH_PARAMETERS))
    if clashes:
        raise PackageRejected(
            gettext("The URL of AU %(au)s sets %(names)s, which the launch itself sets.")
            % {"au": au_id, "names": ", ".join(clashes)}
        )
    if _ABSOLUTE_URL_RE.match(url):
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise PackageRejected(
                gettext("The URL of AU %(au)s is not a web address: %(url)r.")
                % {"au": au_id, "url": url}
            )
        return
    if not in_zip:
        raise PackageRejected(
            gettext(
                "AU %(au)s has the relative URL %(url)r: a course structure uploaded on its own "
                "must give every AU a full URL (https://...). Upload the zip that holds the files."
            )
            % {"au": au_id, "url": url}
        )
    if parts.scheme or parts.netloc or url.startswith("/"):
        raise PackageRejected(
            gettext("The URL of AU %(au)s must be relative to the package: %(url)r.")
            % {"au": au_id, "url": url}
        )
    if parts.path not in zip_names:
        raise PackageRejected(
            gettext("AU %(au)s launches %(path)r, which is not a file in the package.")
            % {"au": au_id, "path": parts.path}
        )


def _iri(value: str | None, what: str, seen: set[str]) -> str:
    value = (value or "").strip()
    if not _IRI_RE.match(value):
        raise PackageRejected(
            gettext("%(what)s must be an IRI (such as https://...): %(value)r.")
            % {"what": what, "value": value}
        )
    if value in seen:
        raise PackageRejected(
            gettext("The id %(id)s is used twice; ids in a course must be unique.") % {"id": value}
        )
    seen.add(value)
    return value


def _objective_refs(node, objectives: dict) -> list[str]:
    refs = []
    for ref in node.findall("c:objectives/c:objective", _NS):
        idref = (ref.get("idref") or "").strip()
        if idref not in objectives:
            raise PackageRejected(
                gettext("The objective %(id)r is referred to but not defined.") % {"id": idref}
            )
        refs.append(idref)
    return refs


def _text(node, name: str) -> str:
    """The first langstring of a title or description (English when there is one)."""
    strings = node.findall(f"c:{name}/c:langstring", _NS)
    for string in strings:
        if (string.get("lang") or "").lower().startswith("en"):
            return (string.text or "").strip()
    return (strings[0].text or "").strip() if strings else ""
