"""SCORM as a kind of package: recognised by its imsmanifest.xml, imported as SCO rows in order."""

from pathlib import Path

from django.utils.translation import gettext

from packages.errors import PackageRejected
from packages.models import Package
from scorm.manifest import MANIFEST, manifest_parse
from scorm.models import Sco, ScormPackage


def detect(names: frozenset[str], filename: str) -> str | None:
    """A zip with imsmanifest.xml at its top level is SCORM; which SCORM the manifest decides."""
    return "scorm" if MANIFEST in names else None


def import_package(*, package: Package, root: Path | None, xml: bytes | None) -> None:
    if root is None:
        raise PackageRejected(
            gettext("A SCORM package is a zip file with imsmanifest.xml at its top level.")
        )
    manifest = manifest_parse(root)
    package.kind = manifest.kind
    if not package.title:
        package.title = manifest.title
    package.save(update_fields=["kind", "title"])
    ScormPackage.objects.create(
        package=package,
        version=manifest.version,
        edition=manifest.edition[:64],
        manifest_identifier=manifest.identifier[:255],
        organization=manifest.organization[:255],
        choice=manifest.control.choice,
        flow=manifest.control.flow,
        forward_only=manifest.control.forward_only,
    )
    Sco.objects.bulk_create(
        Sco(
            package=package,
            identifier=entry.identifier[:255],
            resource_identifier=entry.resource_identifier[:255],
            title=entry.title,
            href=entry.href[:2000],
            position=position,
            is_sco=entry.is_sco,
            mastery_score=entry.mastery_score,
            scaled_passing_score=entry.scaled_passing_score,
            completion_threshold=entry.completion_threshold,
            launch_data=entry.launch_data,
            max_time_allowed=entry.max_time_allowed[:64],
            time_limit_action=entry.time_limit_action[:64],
            objective_ids=entry.objective_ids,
            counts_for_completion=entry.counts_for_completion,
            counts_for_success=entry.counts_for_success,
            primary_objective=entry.primary_objective[:255],
            objective_maps=entry.objective_maps,
            preconditions=entry.preconditions,
        )
        for position, entry in enumerate(manifest.scos, start=1)
    )
