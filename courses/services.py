"""Writes for courses: enrolling, reading lessons, knowledge checks, completion, certificates,
learning plans; and the page permissions each role holds in the tree."""

import logging
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import GroupPagePermission, Page, Site

from accounts.models import User
from courses import xapi as course_xapi
from courses.events import course_completed
from courses.marking import Marking, mark, questions_of
from courses.models import (
    Certificate,
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    LearningPlanItem,
    LessonCompletion,
    LessonPage,
    LessonVisit,
    PackageEvidence,
)
from courses.programmes import programme_completions_update
from courses.selectors import course_lessons, is_line_manager, next_attempt_number
from packages.models import Package
from packages.outcomes import PackageOutcome


class LearningError(Exception):
    """Something a learner tried that cannot happen; the message is shown to them."""


@transaction.atomic
def root_page_permissions_grant(grants, *, using: str = "default") -> None:
    """Grant page permissions on the tree's root to role groups (idempotent)."""
    root = Page.objects.using(using).filter(depth=1).first()
    if root is None:  # the page tree is created by Wagtail's own migrations
        return
    for group_name, codenames in grants.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        )
        for permission in permissions:
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page=root, permission=permission
            )


logger = logging.getLogger(__name__)


@transaction.atomic
def site_align_with_site_url(*, using: str = "default") -> Site | None:
    """Give Wagtail's default site the host name and port of SITE_URL, and SERVICE_NAME as its
    name, so that page addresses built from it (page.full_url, as in Wagtail's "approved"
    emails) are the ones people use. Idempotent; returns the site (None when there is none)."""
    address = urlsplit(settings.SITE_URL)
    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None or not address.hostname:
        return site
    wanted = {
        "hostname": address.hostname,
        "port": address.port or (443 if address.scheme == "https" else 80),
    }
    if getattr(settings, "SERVICE_NAME", ""):
        wanted["site_name"] = settings.SERVICE_NAME
    taken = (
        Site.objects.using(using)
        .filter(hostname=wanted["hostname"], port=wanted["port"])
        .exclude(pk=site.pk)
        .exists()
    )
    if taken:
        # Host name and port are unique among sites: the other site keeps them.
        logger.warning(
            "Another Wagtail site already answers at %s:%s; the default site keeps %s:%s.",
            wanted["hostname"],
            wanted["port"],
            site.hostname,
            site.port,
        )
        del wanted["hostname"], wanted["port"]
    changed = [field for field, value in wanted.items() if getattr(site, field) != value]
    if changed:
        for field in changed:
            setattr(site, field, wanted[field])
        site.save(using=using, update_fields=changed)
    return site


def _check_live(course: CoursePage, lesson: LessonPage | None = None) -> None:
    course.refresh_from_db(fields=["live"])
    if not course.live:
        raise LearningError(
            gettext("This course is no longer published, so nothing can be recorded.")
        )
    if lesson is not None and (not lesson.live or not lesson.is_descendant_of(course)):
        raise LearningError(gettext("This lesson is not part of the published course."))


@transaction.atomic
def enrolment_create(*, user: User, course: CoursePage) -> Enrolment:
    """Enrol a person (idempotent: enrolling twice returns the first enrolment). Whatever
    language the course is read in, the enrolment is on the English course."""
    course = course.source
    _check_live(course)
    enrolment, created = Enrolment.objects.get_or_create(user=user, course=course)
    if created:
        course_xapi.registered(enrolment, enrolment.enrolled_at)
    return enrolment


@transaction.atomic
def enrolment_retake(*, user: User, course: CoursePage) -> Enrolment:
    """Take a completed course again (to refresh, or for a recertification): the completed
    enrolment is superseded, keeping its completion, lessons, checks and certificate, and a
    fresh one starts with a new registration, recorded as "registered" like a first
    enrolment. Only a completed current enrolment of a published course can be taken again.

    A form sent twice (a double click, a second tab) finds the fresh enrolment the first made
    and changes nothing more: the completed row is locked before it is superseded, and at most
    one current enrolment per person and course can exist."""
    course = course.source
    _check_live(course)
    current = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    if current is None:
        # Waiting for the lock may have ended with the row superseded by the request that held
        # it: its fresh enrolment was committed meanwhile and this read sees it.
        current = Enrolment.objects.filter(user=user, course=course).first()
    if current is None:
        raise LearningError(gettext("You are not enrolled on this course. Enrol to start it."))
    if current.completed_at is None:
        again = Enrolment.all_attempts.filter(user=user, course=course, superseded_at__isnull=False)
        if again.exists():
            raise LearningError(gettext("You are already taking this course again."))
        raise LearningError(gettext("Finish this course before taking it again."))
    now = timezone.now()
    Enrolment.all_attempts.filter(pk=current.pk).update(superseded_at=now)
    try:
        enrolment = Enrolment.objects.create(user=user, course=course)
    except IntegrityError:
        # Another request opened the fresh attempt first: this one writes nothing.
        raise LearningError(gettext("You are already taking this course again.")) from None
    course_xapi.registered(enrolment, enrolment.enrolled_at)
    return enrolment


@transaction.atomic
def lesson_visit(*, enrolment: Enrolment, lesson: LessonPage) -> None:
    """Remember where the learner is, and record the first time they open each lesson (in
    whatever language: the record names the English lesson)."""
    lesson = lesson.source
    if enrolment.last_lesson_id != lesson.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)
        enrolment.last_lesson = lesson
    visit, first_time = LessonVisit.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    if first_time:
        course_xapi.experienced(enrolment, lesson, visit.first_visited_at)


@transaction.atomic
def knowledge_check_submit(
    *,
    enrolment: Enrolment,
    lesson: LessonPage,
    answers: Mapping[str, Sequence[str]],
    attempt_number: int,
) -> tuple[KnowledgeCheckAttempt, Marking]:
    """Mark a knowledge check on the server and record the attempt.

    `attempt_number` is the attempt the learner's form was for: a form sent twice (a double
    click, a second tab) finds its number taken and changes nothing.

    A translated lesson's check is marked as the learner read it (a translation keeps its
    source's question and option ids), and the attempt is recorded on the English lesson.
    """
    shown, lesson = lesson, lesson.source
    _check_live(enrolment.course, lesson)
    # Serialise submissions of one enrolment, so two tabs cannot both pass the same lesson.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    check = shown.knowledge_check()
    if check is None:
        raise LearningError(gettext("This lesson has no knowledge check."))
    if attempt_number != next_attempt_number(enrolment, lesson):
        raise LearningError(
            gettext("This check was already submitted. Your latest result is below.")
        )
    if LessonCompletion.objects.filter(enrolment=enrolment, lesson=lesson).exists():
        raise LearningError(gettext("You have already completed this lesson."))
    marking = mark(questions_of(check.value), answers, check.value["pass_mark"])
    try:
        attempt = KnowledgeCheckAttempt.objects.create(
            enrolment=enrolment,
            lesson=lesson,
            number=attempt_number,
            answers={q.id: q.chosen for q in marking.questions},
            correct=marking.correct,
            total=marking.total,
            passed=marking.passed,
        )
    except IntegrityError:
        raise LearningError(gettext("This check was already submitted.")) from None
    now = timezone.now()
    recorded_check = lesson.knowledge_check() if shown is not lesson else check
    course_xapi.check_marked(
        enrolment, lesson, recorded_check or check, marking, attempt_number, now
    )
    if marking.passed:
        lessons = [lesson]
        if lesson.placement:
            module = lesson.module
            lessons = [
                each for each in course_lessons(enrolment.course) if each.is_descendant_of(module)
            ]
        _complete(enrolment, lessons, via="placement" if lesson.placement else "check")
    return attempt, marking


@transaction.atomic
def lesson_mark_complete(*, enrolment: Enrolment, lesson: LessonPage) -> None:
    """Complete a lesson that has no knowledge check, by reading it (in any language)."""
    lesson = lesson.source
    _check_live(enrolment.course, lesson)
    if lesson.knowledge_check() is not None:
        raise LearningError(gettext("Pass the knowledge check to complete this lesson."))
    if lesson.package_block() is not None:
        raise LearningError(gettext("Finish the course package to complete this lesson."))
    _complete(enrolment, [lesson], via="read")


def _complete(enrolment: Enrolment, lessons: list[LessonPage], *, via: str) -> None:
    done = set(
        LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )
    new = [lesson for lesson in lessons if lesson.pk not in done]
    if not new:
        return
    LessonCompletion.objects.bulk_create(
        LessonCompletion(enrolment=enrolment, lesson=lesson, via=via) for lesson in new
    )
    now = timezone.now()
    course_xapi.lesson_completed(enrolment, new, now)
    all_lessons = course_lessons(enrolment.course)
    completed = len(done) + len(new)
    percent = round(100 * completed / len(all_lessons)) if all_lessons else 100
    course_xapi.progressed(enrolment, percent, now)
    if completed >= len(all_lessons) and enrolment.completed_at is None:
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
        Certificate.objects.get_or_create(enrolment=enrolment)
        targets = {
            t.competency: t.level
            for t in enrolment.course.competency_targets.select_related("competency")
        }
        course_xapi.course_completed(enrolment, targets, now)
        programme_completions_update(user=enrolment.user, course=enrolment.course, completed_at=now)
        course_completed.send(
            sender=CoursePage, user=enrolment.user, course=enrolment.course, completed_at=now
        )


@transaction.atomic
def package_outcome_record(*, outcome: PackageOutcome) -> int:
    """A learner's result in a course package, on every live lesson that uses the package in a
    course they are enrolled on: passing it completes the lesson (and so perhaps the course), as
    does completing a package that sets no pass mark; a package failed is not finished, as a
    knowledge check failed is not. Passing, where the lesson maps the package to a competency,
    records the evidence statement once. A lesson or course no longer published is left as it
    is. Idempotent: an outcome reported again changes nothing. Returns how many lessons it
    touched."""
    if not (outcome.passed or (outcome.completed and outcome.passed is None)):
        return 0
    package = Package.objects.filter(pk=outcome.package_id).first()
    if package is None:
        return 0
    touched = 0
    for enrolment, lesson, block in _lessons_using(package, user_id=outcome.user_id):
        try:
            _check_live(enrolment.course, lesson)
        except LearningError:
            continue
        # Serialise one enrolment's results, as for knowledge checks: two reports of one pass
        # arriving together still make one completion and one statement.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        _complete(enrolment, [lesson], via="package")
        competency = block.value.get("competency")
        if outcome.passed and competency is not None:
            _package_evidence(enrolment, lesson, package, block, outcome)
        touched += 1
    return touched


def _lessons_using(package: Package, *, user_id: int):
    """(enrolment, lesson, package block) for each live lesson with `package`, in the courses
    the user is enrolled on. A person is enrolled on a handful of courses, so reading their
    lessons is cheaper than indexing every lesson's blocks."""
    for enrolment in Enrolment.objects.filter(user_id=user_id).select_related("course", "user"):
        for lesson in course_lessons(enrolment.course):
            block = lesson.package_block()
            if block is not None and getattr(block.value.get("package"), "pk", None) == package.pk:
                yield enrolment, lesson, block


def _package_evidence(enrolment, lesson, package, block, outcome: PackageOutcome) -> None:
    if PackageEvidence.objects.filter(enrolment=enrolment, lesson=lesson).exists():
        return
    statement_id = course_xapi.package_passed(
        enrolment,
        lesson,
        package,
        competency=block.value["competency"],
        level=block.value["evidences_level"],
        outcome=outcome,
    )
    PackageEvidence.objects.create(
        enrolment=enrolment, lesson=lesson, package=package, statement_id=statement_id
    )


@transaction.atomic
def plan_add(*, user: User, course: CoursePage, added_by: User) -> LearningPlanItem:
    """Add a course to a learning plan: by the learner, or by their line manager."""
    if added_by != user and not is_line_manager(manager=added_by, learner=user):
        raise LearningError(gettext("Only you or your line manager can change your learning plan."))
    course = course.source
    existing = LearningPlanItem.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    position = (
        LearningPlanItem.objects.filter(user=user).aggregate(last=Max("position"))["last"] or 0
    )
    return LearningPlanItem.objects.create(
        user=user, course=course, position=position + 1, added_by=added_by
    )


@transaction.atomic
def plan_move(*, user: User, item_id: int, offset: int) -> None:
    """Move a plan item up (-1) or down (+1) by swapping it with its neighbour among the
    courses still to do (finished ones are listed apart, so they are nobody's neighbour)."""
    finished = Enrolment.objects.filter(user=user, completed_at__isnull=False).values("course_id")
    items = list(
        LearningPlanItem.objects.select_for_update()
        .filter(user=user)
        .exclude(course_id__in=finished)
        .order_by("position")
    )
    index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
    if index is None:
        raise LearningError(gettext("That course is not in your learning plan."))
    other = index + offset
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if item.position != position:
            LearningPlanItem.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def plan_remove(*, user: User, item_id: int) -> None:
    deleted, _ = LearningPlanItem.objects.filter(user=user, pk=item_id).delete()
    if not deleted:
        raise LearningError(gettext("That course is not in your learning plan."))
