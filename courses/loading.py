"""Building courses and programmes in the page tree from declarative data (the seed files in
content_fixtures/courses/ and content_fixtures/programmes.json), idempotently: loading again
updates the pages in place."""

import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Page

from accounts.models import User
from competencies.models import Competency
from competencies.selectors import primary_framework
from courses.models import (
    CourseCompetencyTarget,
    CourseIndexPage,
    CoursePage,
    HomePage,
    LessonPage,
    ModulePage,
    ProgrammeCompetencyTarget,
    ProgrammeCourse,
    ProgrammePage,
)
from courses.models.programmes import electives_problem
from jobs.coalescing import tasks_coalesced
from packages.models import Package

# Seeded pages get identities derived from their slugs, so that every install of the demo
# names the same course with the same activity IRI and the same question ids.
SEED_NAMESPACE = uuid.UUID("0f3b8a52-6c1e-4d7a-9b2f-5e8c1a7d3b90")


def _stable(*parts: str) -> uuid.UUID:
    return uuid.uuid5(SEED_NAMESPACE, "/".join(parts))


@transaction.atomic
def course_index_ensure(*, title: str = "Courses", intro: str = "") -> CourseIndexPage:
    default = Locale.get_default()
    index = CourseIndexPage.objects.filter(locale=default).first()
    if index is not None:
        return index
    home = HomePage.objects.filter(locale=default).first() or Page.get_first_root_node()
    index = CourseIndexPage(title=title, slug="courses", intro=intro)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@transaction.atomic
def translation_roots_ensure() -> list[CourseIndexPage]:
    """The home page and the course catalogue in every content language, so that a course can
    be translated into any of them (a translation sits under its language's catalogue). They
    are aliases of the English pages, kept in step with them when those are published; an
    editor may turn one into a page of its own to translate it. Idempotent; returns the
    catalogues made."""
    default = Locale.get_default()
    index = CourseIndexPage.objects.filter(locale=default).first()
    if index is None:
        return []
    made = []
    for locale in Locale.objects.exclude(pk=default.pk).order_by("pk"):
        if not index.has_translation(locale):
            action = CopyPageForTranslationAction(index, locale, copy_parents=True, alias=True)
            made.append(action.execute(skip_permission_checks=True))
    if made:
        # The review workflow and the training leads' permissions cover the new catalogues.
        from courses.apps import CATALOGUE_PAGE_PERMISSIONS
        from courses.authoring import catalogue_page_permissions_grant, course_review_ensure

        catalogue_page_permissions_grant(CATALOGUE_PAGE_PERMISSIONS)
        course_review_ensure()
    return made


def _child(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _publish(
    parent: Page, page: Page, *, created: bool, owner: User | None, unchanged: bool = False
) -> None:
    """Publish `page` under `parent`, unless it already shows this content."""
    # Loading again leaves a page that already shows this content as it is: no new revision,
    # no log entry, no re-indexing, so seeding an up-to-date demo costs a few reads per page.
    if unchanged and page.live and not page.has_unpublished_changes:
        return
    if created:
        page.owner = owner
        parent.add_child(instance=page)
    # Seeding publishes on the author's behalf; people go through the review workflow.
    page.save_revision(user=owner).publish(user=owner, skip_permission_checks=True)


@transaction.atomic
def packages_load(
    entries: Sequence[Mapping[str, Any]], *, folder: Path, owner: User | None = None
) -> dict[str, Package]:
    """Import the demo's course packages (each entry: key, file in `folder`, title,
    attribution) through the same import as an upload, once: a package already imported under
    its title is kept. Returns key -> Package, for the lessons that use them."""
    from packages.services import package_import

    loaded = {}
    for entry in entries:
        package = Package.objects.filter(title=entry["title"]).first()
        if package is None:
            with (folder / entry["file"]).open("rb") as upload:
                package = package_import(
                    upload=upload,
                    filename=entry["file"],
                    uploaded_by=owner,
                    title=entry["title"],
                    attribution=entry["attribution"],
                )
        loaded[entry["key"]] = package
    return loaded


@transaction.atomic
@tasks_coalesced()
def course_load(
    data: Mapping[str, Any],
    *,
    owner: User | None = None,
    packages: Mapping[str, Package] | None = None,
) -> CoursePage:
    """Create or update one course with its modules, lessons, knowledge checks and course
    packages (`packages`: the key a lesson's package block names -> Package)."""
    index = course_index_ensure()
    framework = primary_framework()
    competencies = {c.code: c for c in Competency.objects.filter(framework=framework)}
    slug = data["slug"]
    course = _child(index, CoursePage, slug)
    created = course is None
    course = course or CoursePage(slug=slug, activity_uuid=_stable("course", slug))
    fields = ("summary", "audience", "duration_minutes", "format", "level")
    fields += ("prerequisites", "description")
    before = _state(course, ("title", *fields)), _targets(course) if not created else None
    course.title = data["title"]
    for field in fields:
        setattr(course, field, data.get(field, getattr(course, field)))
    course.competency_targets = [
        # In the order given: pages list a course's competencies in its sort order.
        CourseCompetencyTarget(
            competency=competencies[t["code"]], level=t["level"], sort_order=position
        )
        for position, t in enumerate(data["competency_targets"])
    ]
    after = _state(course, ("title", *fields)), _targets(course)
    _publish(index, course, created=created, owner=owner, unchanged=before == after)
    for module_position, module_data in enumerate(data["modules"], start=1):
        _module_load(course, module_position, module_data, owner, competencies, packages or {})
    return course


def _module_load(
    course: CoursePage,
    module_position: int,
    module_data: Mapping[str, Any],
    owner: User | None,
    competencies: dict[str, Competency],
    packages: Mapping[str, Package],
) -> None:
    """Create or update one module of `course` with its lessons."""
    module_slug = f"{module_position:02d}-{slugify(module_data['title'])[:40]}"
    module = _child(course, ModulePage, module_slug)
    module_created = module is None
    module = module or ModulePage(slug=module_slug)
    before = _state(module, ("title", "summary"))
    module.title, module.summary = module_data["title"], module_data.get("summary", "")
    unchanged = before == _state(module, ("title", "summary"))
    _publish(course, module, created=module_created, owner=owner, unchanged=unchanged)
    for lesson_position, lesson_data in enumerate(module_data["lessons"], start=1):
        lesson_slug = f"{lesson_position:02d}-{slugify(lesson_data['title'])[:40]}"
        key = f"{course.slug}/{module_slug}/{lesson_slug}"
        lesson = _child(module, LessonPage, lesson_slug)
        lesson_created = lesson is None
        lesson = lesson or LessonPage(slug=lesson_slug, activity_uuid=_stable("lesson", key))
        lesson_fields = ("title", "summary", "duration_minutes", "placement")
        before = _state(lesson, lesson_fields), list(lesson.body.raw_data)
        lesson.title = lesson_data["title"]
        lesson.summary = lesson_data.get("summary", "")
        lesson.duration_minutes = lesson_data.get("duration_minutes", 15)
        lesson.placement = lesson_data.get("placement", False)
        body = _stream(lesson_data["body"], key, competencies, packages)
        lesson.body = body
        unchanged = before == (_state(lesson, lesson_fields), body)
        _publish(module, lesson, created=lesson_created, owner=owner, unchanged=unchanged)


def _state(page: Page, fields: Sequence[str]) -> tuple:
    return tuple(getattr(page, field) for field in fields)


def _targets(course: CoursePage) -> list[tuple[int, int, int | None]]:
    return [(t.competency_id, t.level, t.sort_order) for t in course.competency_targets.all()]


def _stream(
    blocks, key: str, competencies: dict[str, Competency], packages: Mapping[str, Package]
) -> list[dict]:
    """Raw StreamField data with stable ids for every block, question and option."""
    raw = []
    for position, block in enumerate(blocks):
        block_key = f"{key}/{position}"
        value = block["value"]
        if block["type"] == "knowledge_check":
            value = _check(value, block_key, competencies)
        elif block["type"] == "package":
            competency = competencies.get(value.get("competency", ""))
            value = {
                "package": packages[value["package"]].pk,
                "competency": competency.pk if competency else None,
                "evidences_level": value.get("evidences_level") if competency else None,
            }
        raw.append({"type": block["type"], "value": value, "id": str(_stable(block_key))})
    return raw


def _check(value: Mapping[str, Any], key: str, competencies: dict[str, Competency]) -> dict:
    competency = competencies.get(value.get("competency", ""))
    questions = []
    for q_position, question in enumerate(value["questions"]):
        q_key = f"{key}/q{q_position}"
        options = [
            {
                "type": "item",
                "id": str(_stable(f"{q_key}/o{o_position}")),
                "value": {
                    "text": option["text"],
                    "correct": option["correct"],
                    "feedback": option["feedback"],
                },
            }
            for o_position, option in enumerate(question["options"])
        ]
        questions.append(
            {
                "type": "item",
                "id": str(_stable(q_key)),
                "value": {"kind": question["kind"], "text": question["text"], "options": options},
            }
        )
    return {
        "title": value.get("title", "Check your understanding"),
        "pass_mark": value.get("pass_mark", 70),
        "competency": competency.pk if competency else None,
        "evidences_level": value.get("evidences_level") if competency else None,
        "questions": questions,
    }


# What a translation never changes: it words the course in another language, and the course's
# structure, marking and competencies stay the English course's.
_UNTRANSLATED_KEYS = frozenset(
    ("slug", "type", "kind", "correct", "competency", "evidences_level", "pass_mark", "package")
)


def _translated(english, translated):
    """`english` (seed data) with the text of `translated` put over it, position by position:
    strings come from the translation; numbers, flags, codes and anything it leaves out stay."""
    if isinstance(english, Mapping) and isinstance(translated, Mapping):
        return {
            key: value
            if key in _UNTRANSLATED_KEYS or key not in translated
            else _translated(value, translated[key])
            for key, value in english.items()
        }
    if isinstance(english, list) and isinstance(translated, list):
        if len(english) != len(translated):
            raise ValueError(
                f"A translation has {len(translated)} items where the course has {len(english)}."
            )
        return [_translated(e, t) for e, t in zip(english, translated, strict=True)]
    if isinstance(english, str) and isinstance(translated, str):
        return translated
    return english


@transaction.atomic
@tasks_coalesced()
def course_translation_load(
    english: Mapping[str, Any],
    translation: Mapping[str, Any],
    *,
    owner: User | None = None,
    packages: Mapping[str, Package] | None = None,
) -> CoursePage:
    """Publish one course's translation (`translation`: the text of `english`, the course's
    seed data, in `translation["language"]`), as a translator makes it in the CMS: the English
    course is copied into the language with its modules and lessons where it is not yet, and
    each copy gets the translated text. A translation keeps the English course's structure and
    every block, question and option id, so a knowledge check marks the same in any language.
    Loading again updates the pages in place. The English course must be loaded first."""
    index = course_index_ensure()
    source = _child(index, CoursePage, english["slug"])
    if source is None:
        raise ValueError(f"There is no course {english['slug']!r} to translate.")
    translation_roots_ensure()
    locale = Locale.objects.get(language_code=translation["language"])
    data = _translated(english, translation)
    course = source.get_translation_or_none(locale)
    if course is None:
        action = CopyPageForTranslationAction(source, locale, include_subtree=True, user=owner)
        course = action.execute(skip_permission_checks=True)
    course = course.specific
    framework = primary_framework()
    competencies = {c.code: c for c in Competency.objects.filter(framework=framework)}
    fields = ("title", "summary", "audience", "prerequisites", "description")
    before = _state(course, fields)
    for field in fields:
        setattr(course, field, data.get(field, getattr(course, field)))
    unchanged = before == _state(course, fields)
    _publish(index, course, created=False, owner=owner, unchanged=unchanged)
    for module_position, module_data in enumerate(data["modules"], start=1):
        english_module = english["modules"][module_position - 1]
        module_slug = f"{module_position:02d}-{slugify(english_module['title'])[:40]}"
        source_module = _child(source, ModulePage, module_slug)
        module = source_module.get_translation(locale).specific
        before = _state(module, ("title", "summary"))
        module.title, module.summary = module_data["title"], module_data.get("summary", "")
        unchanged = before == _state(module, ("title", "summary"))
        _publish(course, module, created=False, owner=owner, unchanged=unchanged)
        for lesson_position, lesson_data in enumerate(module_data["lessons"], start=1):
            english_lesson = english_module["lessons"][lesson_position - 1]
            lesson_slug = f"{lesson_position:02d}-{slugify(english_lesson['title'])[:40]}"
            key = f"{source.slug}/{module_slug}/{lesson_slug}"
            lesson = _child(source_module, LessonPage, lesson_slug).get_translation(locale)
            lesson = lesson.specific
            before = _state(lesson, ("title", "summary")), list(lesson.body.raw_data)
            lesson.title = lesson_data["title"]
            lesson.summary = lesson_data.get("summary", "")
            # The English lesson's ids (the same key), in the translation's words.
            body = _stream(lesson_data["body"], key, competencies, packages or {})
            lesson.body = body
            unchanged = before == (_state(lesson, ("title", "summary")), body)
            _publish(module, lesson, created=False, owner=owner, unchanged=unchanged)
    return CoursePage.objects.get(pk=course.pk)


class ProgrammeDataError(ValueError):
    """A programme in the seed data that cannot be built; the message says which and why."""


@transaction.atomic
@tasks_coalesced()
def programme_load(data: Mapping[str, Any], *, owner: User | None = None) -> ProgrammePage:
    """Create or update one programme from its seed data (slug, title, summary,
    electives_required, courses: [{slug, elective}], competency_targets: [{code, level}]). Its
    courses must be in the catalogue already. Loading unchanged data again writes nothing."""
    index = course_index_ensure()
    slug = data["slug"]
    wanted = [(place["slug"], bool(place.get("elective", False))) for place in data["courses"]]
    courses = {
        course.slug: course
        for course in CoursePage.objects.child_of(index).filter(slug__in=[s for s, _ in wanted])
    }
    missing = [course_slug for course_slug, _ in wanted if course_slug not in courses]
    if missing:
        raise ProgrammeDataError(
            f"Programme {slug!r} names courses that are not in the catalogue: " + ", ".join(missing)
        )
    electives_required = data.get("electives_required", 0)
    problem = electives_problem(
        electives_required, [(courses[s].pk, elective) for s, elective in wanted]
    )
    if problem is not None:
        raise ProgrammeDataError(f"Programme {slug!r}: {problem}")
    competencies = {c.code: c for c in Competency.objects.filter(framework=primary_framework())}
    targets = data.get("competency_targets", [])
    unknown = [t["code"] for t in targets if t["code"] not in competencies]
    if unknown:
        raise ProgrammeDataError(
            f"Programme {slug!r} names competencies not in the framework: " + ", ".join(unknown)
        )
    programme = _child(index, ProgrammePage, slug)
    created = programme is None
    programme = programme or ProgrammePage(slug=slug, stable_id=_stable("programme", slug))
    before = None if created else _programme_state(programme)
    programme.title = data["title"]
    programme.summary = data["summary"]
    programme.electives_required = electives_required
    programme.programme_courses = [
        ProgrammeCourse(course=courses[course_slug], elective=elective, sort_order=position)
        for position, (course_slug, elective) in enumerate(wanted)
    ]
    programme.competency_targets = [
        ProgrammeCompetencyTarget(
            competency=competencies[t["code"]], level=t["level"], sort_order=position
        )
        for position, t in enumerate(targets)
    ]
    unchanged = before == _programme_state(programme)
    _publish(index, programme, created=created, owner=owner, unchanged=unchanged)
    return programme


def _programme_state(programme: ProgrammePage) -> tuple:
    return (
        _state(programme, ("title", "summary", "electives_required")),
        [(p.course_id, p.elective, p.sort_order) for p in programme.programme_courses.all()],
        [(t.competency_id, t.level, t.sort_order) for t in programme.competency_targets.all()],
    )
