"""Reading imsmanifest.xml: SCORM 1.2 and 2004 samples, and the manifests that are refused."""

import pytest

from packages.errors import PackageRejected
from packages.models import Package
from scorm.importer import detect, import_package
from scorm.manifest import ControlMode, Manifest, ScoEntry, manifest_parse
from scorm.models import Sco, ScormPackage
from tests.scorm.conftest import PACKAGES


def test_detect_takes_a_zip_with_a_top_level_manifest_only():
    assert [
        detect(frozenset({"imsmanifest.xml", "index.html"}), "course.zip"),
        detect(frozenset({"course/imsmanifest.xml"}), "course.zip"),
        detect(frozenset({"cmi5.xml"}), "course.zip"),
    ] == ["scorm", None, None]


def test_scorm12_single_sco_manifest():
    assert manifest_parse(PACKAGES / "golf-scorm12-single") == Manifest(
        version="1.2",
        edition="1.2",
        identifier="com.scorm.golfsamples.contentpackaging.singlesco.12",
        title="Golf Explained - CP Single SCO",
        organization="golf_sample_default_org",
        control=ControlMode(choice=True, flow=True, forward_only=False),
        scos=[
            ScoEntry(
                identifier="item_1",
                resource_identifier="resource_1",
                title="Golf Explained",
                href="shared/launchpage.html",
                is_sco=True,
            )
        ],
    )


def test_scorm2004_sequencing_manifest_keeps_order_parameters_and_control_mode():
    manifest = manifest_parse(PACKAGES / "golf-scorm2004-forced-sequential")
    prefix = "com.scorm.golfsamples.sequencing.forcedsequential."
    assert (manifest.version, manifest.edition, manifest.control) == (
        "2004",
        "2004 3rd Edition",
        ControlMode(choice=True, flow=True, forward_only=False),
    )
    assert [(s.identifier, s.title, s.href, s.is_sco, s.objective_ids) for s in manifest.scos] == [
        (
            "playing_item",
            "Playing the Game",
            "shared/launchpage.html?content=playing",
            True,
            ["playing_satisfied"],
        ),
        (
            "etuqiette_item",
            "Etiquette",
            "shared/launchpage.html?content=etiquette",
            True,
            ["etiquette_satisfied", "previous_sco_satisfied"],
        ),
        (
            "handicapping_item",
            "Handicapping",
            "shared/launchpage.html?content=handicapping",
            True,
            ["handicapping_satisfied", "previous_sco_satisfied"],
        ),
        (
            "havingfun_item",
            "Having Fun",
            "shared/launchpage.html?content=havingfun",
            True,
            ["havingfun_satisfied", "previous_sco_satisfied"],
        ),
        (
            "assessment_item",
            "Quiz",
            "shared/launchpage.html?content=assessment",
            True,
            ["assessment_satisfied", "previous_sco_satisfied"],
        ),
    ]
    assert manifest.identifier == prefix.rstrip(".") + ".20043rd"
    assert manifest.scos[1] == ScoEntry(
        identifier="etuqiette_item",
        resource_identifier="etiquette_resource",
        title="Etiquette",
        href="shared/launchpage.html?content=etiquette",
        is_sco=True,
        objective_ids=["etiquette_satisfied", "previous_sco_satisfied"],
        primary_objective="etiquette_satisfied",
        objective_maps={
            "etiquette_satisfied": {
                "target": prefix + "etiquette_satisfied",
                "read": True,
                "write": True,
            },
            "previous_sco_satisfied": {
                "target": prefix + "playing_satisfied",
                "read": True,
                "write": False,
            },
        },
        preconditions=[
            {
                "action": "disabled",
                "combination": "any",
                "conditions": [
                    {
                        "objective": "previous_sco_satisfied",
                        "operator": "not",
                        "condition": "satisfied",
                    },
                    {
                        "objective": "previous_sco_satisfied",
                        "operator": "not",
                        "condition": "objectiveStatusKnown",
                    },
                ],
            }
        ],
    )


def test_item_parameters_join_the_launch_query_and_masteryscore_is_read(package_dir):
    root = package_dir("tiny-scorm12")
    manifest = root / "imsmanifest.xml"
    manifest.write_text(
        manifest.read_text().replace(
            '<item identifier="quiz" identifierref="quiz_resource">',
            '<item identifier="quiz" identifierref="quiz_resource" parameters="?part=2">',
        )
    )
    assert manifest_parse(root).scos == [
        ScoEntry(
            identifier="quiz",
            resource_identifier="quiz_resource",
            title="One question",
            href="index.html?part=2",
            is_sco=True,
            mastery_score=80.0,
        )
    ]


SINGLE = "golf-scorm12-single"
BROKEN = [
    (
        "bad XML",
        lambda xml: xml.replace("</organizations>", ""),
        "The package's imsmanifest.xml is not well-formed XML: ",
    ),
    (
        "no organisation",
        lambda xml: (
            xml.split("<organizations")[0] + "<organizations/>" + xml.split("</organizations>")[1]
        ),
        "The package's manifest has no organisation of its content.",
    ),
    (
        "item without its resource",
        lambda xml: xml.replace('identifierref="resource_1"', 'identifierref="resource_9"'),
        "The item 'item_1' refers to the resource 'resource_9', which the manifest does not "
        "define.",
    ),
    (
        "launch file missing",
        lambda xml: xml.replace('href="shared/launchpage.html"', 'href="shared/start.html"'),
        "The resource 'resource_1' launches 'shared/start.html', which is not in the package.",
    ),
    (
        "launch file outside the package",
        lambda xml: xml.replace('href="shared/launchpage.html"', 'href="../launchpage.html"'),
        "The launch file '../launchpage.html' points outside the package.",
    ),
    (
        "no launchable item",
        lambda xml: xml.replace('identifierref="resource_1"', ""),
        "The package's organisation has no item that launches anything: no SCO or asset.",
    ),
    (
        "no SCORM version",
        lambda xml: xml.replace("<schemaversion>1.2</schemaversion>", "").replace(
            "http://www.adlnet.org/xsd/adlcp_rootv1p2", "urn:other"
        ),
        "The manifest says neither SCORM 1.2 nor SCORM 2004 (no schemaversion, no ADL namespace).",
    ),
    (
        "entity expansion",
        lambda xml: xml.replace(
            '<?xml version="1.0" standalone="no" ?>',
            '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        ).replace("<title>Golf Explained</title>", "<title>&x;</title>"),
        None,
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BROKEN], ids=[i for i, _, _ in BROKEN]
)
def test_broken_manifest_is_refused_with_what_is_wrong(package_dir, change, message):
    root = package_dir(SINGLE)
    manifest = root / "imsmanifest.xml"
    manifest.write_text(change(manifest.read_text()))
    if message is None:
        # An external entity is never fetched: the title stays without the file's content.
        assert manifest_parse(root).scos[0].title == "item_1"
        return
    with pytest.raises(PackageRejected) as refused:
        manifest_parse(root)
    if message.endswith(": "):
        assert refused.value.message.startswith(message)
    else:
        assert refused.value.message == message


def test_missing_manifest_is_refused(tmp_path):
    with pytest.raises(PackageRejected) as refused:
        manifest_parse(tmp_path)
    assert refused.value.message == "The package has no imsmanifest.xml at its top level."


@pytest.mark.django_db
def test_import_saves_the_package_and_its_scos_in_order():
    package = Package.objects.create(title="", kind=Package.Kind.SCORM_12)
    import_package(package=package, root=PACKAGES / "golf-scorm2004-forced-sequential", xml=None)
    package.refresh_from_db()
    assert (package.kind, package.title) == (
        "scorm2004",
        "Golf Explained - Sequencing Forced Order",
    )
    assert list(
        ScormPackage.objects.values_list("version", "edition", "choice", "flow", "forward_only")
    ) == [("2004", "2004 3rd Edition", True, True, False)]
    assert list(Sco.objects.values_list("position", "identifier")) == [
        (1, "playing_item"),
        (2, "etuqiette_item"),
        (3, "handicapping_item"),
        (4, "havingfun_item"),
        (5, "assessment_item"),
    ]
