"""Reading a package's imsmanifest.xml: which SCORM it speaks, its SCOs in order, how a learner
may move between them, and what counts as completing and passing each. Pure: takes the unpacked
folder, returns data, raises PackageRejected."""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext
from lxml import etree

from packages.errors import PackageRejected

MANIFEST = "imsmanifest.xml"
# Manifests of real packages run to a few hundred kilobytes; more is not a manifest.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass(frozen=True)
class ControlMode:
    """IMS Simple Sequencing's controlMode on the organisation: whether the learner may pick
    any SCO (choice), move previous/next (flow), and only forwards (forwardOnly)."""

    choice: bool = True
    flow: bool = False
    forward_only: bool = False


@dataclass(frozen=True)
class ScoEntry:
    identifier: str  # the item's identifier, unique in the manifest
    resource_identifier: str
    title: str
    href: str  # relative to the package root, with the item's parameters
    is_sco: bool  # False: an asset, which has no API and counts as completed once opened
    mastery_score: float | None = None  # SCORM 1.2, 0 to 100
    scaled_passing_score: float | None = None  # SCORM 2004, -1 to 1
    completion_threshold: float | None = None
    launch_data: str = ""
    max_time_allowed: str = ""
    time_limit_action: str = ""
    objective_ids: list[str] = field(default_factory=list)
    counts_for_completion: bool = True
    counts_for_success: bool = True
    # SCORM 2004 only: see scorm/sequencing.py for what is honoured of them.
    primary_objective: str = ""
    objective_maps: dict = field(default_factory=dict)  # objective id -> target, read, write
    preconditions: list = field(default_factory=list)  # pre-condition rules, as plain data


@dataclass(frozen=True)
class Manifest:
    version: str  # "1.2" or "2004"
    edition: str  # as the manifest states it, e.g. "2004 3rd Edition"
    identifier: str
    title: str
    organization: str
    control: ControlMode
    scos: list[ScoEntry]

    @property
    def kind(self) -> str:
        return "scorm12" if self.version == "1.2" else "scorm2004"


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element, name: str) -> str:
    child = _child(element, name) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def _attr(element, name: str, default: str = "") -> str:
    """An attribute by local name, whatever namespace prefix the authoring tool chose (adlcp
    1.2 spells scormtype in lower case, 2004 scormType; both appear in the wild)."""
    for key, value in element.attrib.items():
        if etree.QName(key).localname.lower() == name.lower():
            return value.strip()
    return default


def _bool(value: str, default: bool) -> bool:
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    return default


def _number(value: str, what: str, low: float, high: float) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise PackageRejected(
            gettext("The manifest's %(what)s is %(value)r, which is not a number.")
            % {"what": what, "value": value}
        ) from None
    if not low <= number <= high:
        raise PackageRejected(
            gettext("The manifest's %(what)s is %(value)s, outside %(low)s to %(high)s.")
            % {"what": what, "value": value, "low": f"{low:g}", "high": f"{high:g}"}
        )
    return number


def manifest_parse(root: Path) -> Manifest:
    path = root / MANIFEST
    if not path.is_file():
        raise PackageRejected(gettext("The package has no imsmanifest.xml at its top level."))
    data = path.read_bytes()
    if len(data) > MAX_MANIFEST_BYTES:
        raise PackageRejected(gettext("The package's imsmanifest.xml is larger than 4 MB."))
    # No entities, no DTDs, no network: a manifest is data from an untrusted upload.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise PackageRejected(
            gettext("The package's imsmanifest.xml is not well-formed XML: %(error)s.")
            % {"error": error}
        ) from None
    if _local(document) != "manifest":
        raise PackageRejected(
            gettext("The package's imsmanifest.xml does not start with <manifest>.")
        )
    version, edition = _version(document)
    organization = _organization(document)
    resources = _resources(document)
    collection = _sequencing_collection(document)
    org_sequencing = _sequencing(organization, collection)
    control = _control(org_sequencing, version)
    scos: list[ScoEntry] = []
    for item in _leaf_items(organization):
        scos.append(_sco(item, resources, collection, version, root))
    if not scos:
        raise PackageRejected(
            gettext(
                "The package's organisation has no item that launches anything: no SCO or asset."
            )
        )
    identifiers = [sco.identifier for sco in scos]
    if len(set(identifiers)) != len(identifiers):
        raise PackageRejected(
            gettext("Two items in the package's organisation share an identifier.")
        )
    title = _text(organization, "title") or _attr(document, "identifier") or "Untitled package"
    return Manifest(
        version=version,
        edition=edition,
        identifier=_attr(document, "identifier"),
        title=title[:255],
        organization=_attr(organization, "identifier"),
        control=control,
        scos=scos,
    )


def _version(document) -> tuple[str, str]:
    metadata = _child(document, "metadata")
    stated = _text(metadata, "schemaversion") if metadata is not None else ""
    if stated == "1.2":
        return "1.2", "1.2"
    if stated.startswith("2004") or stated == "CAM 1.3":
        return "2004", "2004 2nd Edition" if stated == "CAM 1.3" else stated
    namespaces = set(document.nsmap.values())
    for element in document.iter():
        if isinstance(element.tag, str):
            namespaces.update(element.nsmap.values())
            if len(namespaces) > 16:
                break
    if ADLCP_2004 in namespaces or IMSSS in namespaces:
        return "2004", "2004"
    if ADLCP_12 in namespaces:
        return "1.2", "1.2"
    raise PackageRejected(
        gettext(
            "The manifest says neither SCORM 1.2 nor SCORM 2004 (no schemaversion, no ADL "
            "namespace)."
        )
    )


def _organization(document):
    organizations = _child(document, "organizations")
    candidates = _children(organizations, "organization") if organizations is not None else []
    if not candidates:
        raise PackageRejected(gettext("The package's manifest has no organisation of its content."))
    default = _attr(organizations, "default")
    for organization in candidates:
        if default and _attr(organization, "identifier") == default:
            return organization
    return candidates[0]


def _resources(document) -> dict:
    resources = _child(document, "resources")
    base = _attr(resources, "base") if resources is not None else ""
    found = {}
    for resource in _children(resources, "resource") if resources is not None else []:
        found[_attr(resource, "identifier")] = (resource, base + resource.get(XML_BASE, ""))
    return found


def _leaf_items(element):
    """Items that launch something, in the order a learner meets them; clusters (items with
    children) only group them."""
    for item in _children(element, "item"):
        if _attr(item, "isvisible", "true").lower() == "false" and not _attr(item, "identifierref"):
            continue
        if _children(item, "item"):
            yield from _leaf_items(item)
        elif _attr(item, "identifierref"):
            yield item


def _sequencing_collection(document) -> dict:
    collection = _child(document, "sequencingCollection")
    if collection is None:
        return {}
    return {_attr(seq, "ID"): seq for seq in _children(collection, "sequencing")}


def _sequencing(element, collection: dict) -> list:
    """An element's sequencing: its own, after the shared one it refers to (its own wins)."""
    own = _child(element, "sequencing")
    if own is None:
        return []
    shared = collection.get(_attr(own, "IDRef"))
    return [shared, own] if shared is not None else [own]


def _find(sequencings: list, name: str):
    found = None
    for sequencing in sequencings:
        element = _child(sequencing, name)
        if element is not None:
            found = element
    return found


def _control(sequencings: list, version: str) -> ControlMode:
    if version == "1.2":
        # SCORM 1.2 has no sequencing: learners move freely, in order or by the table of contents.
        return ControlMode(choice=True, flow=True, forward_only=False)
    mode = _find(sequencings, "controlMode")
    if mode is None:
        return ControlMode()
    return ControlMode(
        choice=_bool(_attr(mode, "choice"), True),
        flow=_bool(_attr(mode, "flow"), False),
        forward_only=_bool(_attr(mode, "forwardOnly"), False),
    )


def _launch_href(item, resource, base: str, root: Path) -> str:
    href = _attr(resource, "href")
    if not href:
        raise PackageRejected(
            gettext(
                "The item %(item)r uses the resource %(resource)r, which has no href to launch."
            )
            % {"item": _attr(item, "identifier"), "resource": _attr(resource, "identifier")}
        )
    if urlsplit(href).scheme or href.startswith("/"):
        raise PackageRejected(
            gettext(
                "The resource %(resource)r launches %(href)r; only files inside the package can "
                "be launched."
            )
            % {"resource": _attr(resource, "identifier"), "href": href}
        )
    full = base + href
    file_part = unquote(urlsplit(full).path)
    relative = PurePosixPath(file_part)
    if ".." in relative.parts or not (root / relative).resolve().is_relative_to(root.resolve()):
        raise PackageRejected(
            gettext("The launch file %(file)r points outside the package.") % {"file": full}
        )
    if not (root / relative).is_file():
        raise PackageRejected(
            gettext("The resource %(resource)r launches %(file)r, which is not in the package.")
            % {"resource": _attr(resource, "identifier"), "file": file_part}
        )
    parameters = _attr(item, "parameters")
    if parameters:
        # Content Packaging's rule: a leading '?' or '&' is dropped, then the parameters join the
        # href's own query string (or start one).
        parameters = parameters.lstrip("?&")
        full += ("&" if "?" in full else "?") + parameters
    return full


def _sco(item, resources: dict, collection: dict, version: str, root: Path) -> ScoEntry:
    identifier = _attr(item, "identifier")
    if not identifier:
        raise PackageRejected(gettext("An item in the package's organisation has no identifier."))
    reference = _attr(item, "identifierref")
    if reference not in resources:
        raise PackageRejected(
            gettext(
                "The item %(item)r refers to the resource %(resource)r, which the manifest does "
                "not define."
            )
            % {"item": identifier, "resource": reference}
        )
    resource, base = resources[reference]
    href = _launch_href(item, resource, base, root)
    is_sco = _attr(resource, "scormtype").lower() == "sco"
    title = (_text(item, "title") or identifier)[:255]
    if version == "1.2":
        return ScoEntry(
            identifier=identifier,
            resource_identifier=reference,
            title=title,
            href=href,
            is_sco=is_sco,
            mastery_score=_number(_text(item, "masteryscore"), "masteryscore", 0, 100),
            launch_data=_text(item, "datafromlms"),
            max_time_allowed=_text(item, "maxtimeallowed"),
            time_limit_action=_text(item, "timelimitaction"),
        )
    sequencings = _sequencing(item, collection)
    objectives = _find(sequencings, "objectives")
    passing, objective_ids, primary_id, maps = None, [], "", {}
    if objectives is not None:
        primary = _child(objectives, "primaryObjective")
        for objective in _children(objectives, "primaryObjective") + _children(
            objectives, "objective"
        ):
            mapping = _child(objective, "mapInfo")
            if mapping is not None and _attr(objective, "objectiveID"):
                maps[_attr(objective, "objectiveID")] = {
                    "target": _attr(mapping, "targetObjectiveID"),
                    "read": _bool(_attr(mapping, "readSatisfiedStatus"), True),
                    "write": _bool(_attr(mapping, "writeSatisfiedStatus"), False),
                }
        if primary is not None:
            primary_id = _attr(primary, "objectiveID")
            if _bool(_attr(primary, "satisfiedByMeasure"), False):
                passing = _number(
                    _text(primary, "minNormalizedMeasure") or "1.0",
                    "minNormalizedMeasure",
                    -1,
                    1,
                )
            if _attr(primary, "objectiveID"):
                objective_ids.append(_attr(primary, "objectiveID"))
        objective_ids += [_attr(o, "objectiveID") for o in _children(objectives, "objective")]
    rollup = _find(sequencings, "rollupRules")
    tracking = _find(sequencings, "deliveryControls")
    tracked = _bool(_attr(tracking, "tracked"), True) if tracking is not None else True
    threshold = _child(item, "completionThreshold")
    threshold_value = None
    if threshold is not None:
        # 4th Edition puts minProgressMeasure in an attribute, 3rd Edition in the element's text.
        threshold_value = _number(
            _attr(threshold, "minProgressMeasure") or (threshold.text or "").strip(),
            "completionThreshold",
            0,
            1,
        )
    return ScoEntry(
        identifier=identifier,
        resource_identifier=reference,
        title=title,
        href=href,
        is_sco=is_sco,
        scaled_passing_score=passing,
        completion_threshold=threshold_value,
        launch_data=_text(item, "dataFromLMS"),
        max_time_allowed="",
        time_limit_action=_text(item, "timeLimitAction"),
        objective_ids=[o for o in objective_ids if o],
        counts_for_completion=tracked
        and _bool(_attr(rollup, "rollupProgressCompletion") if rollup is not None else "", True),
        counts_for_success=tracked
        and _bool(_attr(rollup, "rollupObjectiveSatisfied") if rollup is not None else "", True),
        primary_objective=primary_id,
        objective_maps=maps,
        preconditions=_preconditions(_find(sequencings, "sequencingRules")),
    )


def _preconditions(rules) -> list[dict]:
    """Pre-condition rules as data: the action, how conditions combine, and each condition."""
    if rules is None:
        return []
    found = []
    for rule in _children(rules, "preConditionRule"):
        conditions = _child(rule, "ruleConditions")
        action = _child(rule, "ruleAction")
        if conditions is None or action is None:
            continue
        found.append(
            {
                "action": _attr(action, "action"),
                "combination": _attr(conditions, "conditionCombination", "all"),
                "conditions": [
                    {
                        "objective": _attr(condition, "referencedObjective"),
                        "operator": _attr(condition, "operator", "noOp"),
                        "condition": _attr(condition, "condition"),
                    }
                    for condition in _children(conditions, "ruleCondition")
                ],
            }
        )
    return found
