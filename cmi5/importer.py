"""cmi5 as a kind of package: recognising an upload and saving its course structure."""

from pathlib import Path

from django.utils.translation import gettext

from cmi5.models import AssignableUnit, Block, Course
from cmi5.structure import AuSpec, BlockSpec, course_structure_parse
from packages.errors import PackageRejected

STRUCTURE_FILE = "cmi5.xml"


def cmi5_detect(names: frozenset[str], filename: str) -> str | None:
    """A zip with cmi5.xml at its root, or a course structure uploaded on its own."""
    if filename.lower().endswith(".xml") or STRUCTURE_FILE in names:
        return "cmi5"
    return None


def cmi5_import(*, package, root: Path | None, xml: bytes | None) -> None:
    if root is not None:
        structure_file = root / STRUCTURE_FILE
        if not structure_file.is_file():
            raise PackageRejected(gettext("The zip has no cmi5.xml at its root."))
        names = frozenset(
            path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
        )
        spec = course_structure_parse(structure_file.read_bytes(), in_zip=True, zip_names=names)
    elif xml is not None:
        spec = course_structure_parse(xml, in_zip=False)
    else:
        raise PackageRejected(gettext("The upload holds no course structure."))
    course_structure_save(package=package, spec=spec)


def course_structure_save(*, package, spec) -> Course:
    """Save the parsed structure: the course, its blocks level by level, then every AU in
    course order, in a few bulk inserts (a thousand AUs is one insert, not a thousand)."""
    if not package.title:
        package.title = spec.title[:255] or spec.publisher_id[:255]
        package.save(update_fields=["title"])
    course = Course.objects.create(
        package=package,
        publisher_id=spec.publisher_id,
        title=spec.title[:255] or spec.publisher_id[:255],
        description=spec.description,
        objectives=spec.objectives,
    )
    blocks: list[Block] = []
    aus: list[AssignableUnit] = []
    levels: list[list[Block]] = []

    def walk(nodes, parent: Block | None, depth: int) -> None:
        for node in nodes:
            if isinstance(node, BlockSpec):
                block = Block(
                    course=course,
                    parent=parent,
                    publisher_id=node.publisher_id,
                    title=node.title[:255],
                    description=node.description,
                    position=len(blocks),
                    objective_ids=node.objective_ids,
                )
                blocks.append(block)
                while len(levels) <= depth:
                    levels.append([])
                levels[depth].append(block)
                walk(node.children, block, depth + 1)
            else:
                aus.append(_au(course, parent, node, len(aus)))

    walk(spec.children, None, 0)
    for level in levels:
        # Each block's parent was saved with the level above, so its key is known now.
        for block in level:
            block.parent_id = block.parent.pk if block.parent else None
        Block.objects.bulk_create(level)
    for au in aus:
        au.block_id = au.block.pk if au.block else None
    AssignableUnit.objects.bulk_create(aus, batch_size=500)
    return course


def _au(course: Course, block: Block | None, node: AuSpec, position: int) -> AssignableUnit:
    return AssignableUnit(
        course=course,
        block=block,
        publisher_id=node.publisher_id,
        title=node.title[:255],
        description=node.description,
        position=position,
        url=node.url,
        move_on=node.move_on,
        mastery_score=node.mastery_score,
        launch_method=node.launch_method,
        launch_parameters=node.launch_parameters,
        entitlement_key=node.entitlement_key,
        activity_type=node.activity_type,
        objective_ids=node.objective_ids,
    )
