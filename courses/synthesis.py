"""Synthetic learners' course histories, for the demo organisation: enrolments, lessons opened,
knowledge-check attempts (failures and retries among them), lessons and courses completed.

Everything is recorded as the live flows in courses.services record it: the same rows, and the
same statements built by courses.xapi (so the LRS, the evidence projection and the authors'
course reports agree), but dated in the past and written in bulk. What people do follows a few
habits per course: how popular it is with each job role, how likely people are to carry on to
the next lesson, and how well they answer its questions (better when their level is above the
level a check evidences, and better again on a retry). Some enrol and never start, some stop
part-way or after failing a check, and recent enrolments have not got far yet.
"""

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from wagtail.models import Locale

from accounts.models import User
from courses import xapi as course_xapi
from courses.marking import Marking, Question, mark, questions_of
from courses.models import (
    Certificate,
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    LessonCompletion,
    LessonPage,
    LessonVisit,
)
from courses.selectors import course_lessons
from xapi.client import statements_batched


@dataclass(frozen=True)
class Habits:
    """How people take to one course."""

    popularity: float  # how often it is chosen, before its relevance to a job role
    keeps_going: float  # chance of carrying on to each next lesson
    knows: float  # chance of answering a question right first time, at the check's level


HABITS = {
    "digital-essentials": Habits(popularity=6, keeps_going=0.96, knows=0.86),
    "understanding-users": Habits(popularity=2.5, keeps_going=0.92, knows=0.8),
    "agile-delivery": Habits(popularity=2, keeps_going=0.9, knows=0.78),
    "data-confidence": Habits(popularity=3, keeps_going=0.88, knows=0.74),
    "protecting-peoples-data": Habits(popularity=4.5, keeps_going=0.94, knows=0.82),
    "buying-technology-well": Habits(popularity=1.5, keeps_going=0.9, knows=0.78),
    "interoperability-and-digital-public-infrastructure": Habits(
        popularity=1.3, keeps_going=0.87, knows=0.72
    ),
    "leading-digital-transformation": Habits(popularity=1.2, keeps_going=0.85, knows=0.74),
    "urban-data-and-smart-city-sensing": Habits(popularity=1, keeps_going=0.86, knows=0.72),
}
DEFAULT_HABITS = Habits(popularity=1, keeps_going=0.88, knows=0.76)
# How many courses a person has enrolled on: 0, 1, 2 or 3.
COURSES_TAKEN = (0.52, 0.3, 0.13, 0.05)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Learner:
    """A synthetic person as the course history needs them."""

    user: User
    levels: dict[int, int]  # competency id -> their true level
    role_targets: dict[int, int]  # competency id -> their job role's target level
    since: datetime  # nothing of theirs is dated earlier


@dataclass
class Outcome:
    enrolments: int = 0
    completed: int = 0
    attempts: int = 0
    statements: int = 0


@dataclass
class _Lesson:
    page: LessonPage
    module: str  # the module's page path
    check: object | None  # the knowledge check, a bound block
    questions: list[Question]


@dataclass
class _Course:
    page: CoursePage
    habits: Habits
    lessons: list[_Lesson]
    targets: dict  # Competency -> level the course builds it to


@dataclass
class _Event:
    """Something a learner did, with the lessons it completed."""

    when: datetime
    lesson: LessonPage
    marking: Marking | None = None  # None: the first visit to the lesson
    number: int = 0  # which attempt at the lesson's check
    completes: list[LessonPage] = field(default_factory=list)
    via: str = "check"


@dataclass
class _History:
    """One enrolment's events, in the order they happened."""

    course: _Course
    enrolment: Enrolment
    enrolled_at: datetime
    events: list[_Event] = field(default_factory=list)


def synthesize_course_learning(
    learners: Iterable[Learner], *, seed: str, now: datetime, batch: int = 5000
) -> Outcome:
    """Enrol synthetic learners on the live courses and play out how far each has got."""
    rng = random.Random(seed)  # noqa: S311 - reproducible, not secret
    # Records name the English course, whatever language it is read in (its translations
    # share them), so learners are enrolled on the English courses.
    english = CoursePage.objects.live().filter(locale=Locale.get_default()).order_by("path")
    courses = [c for c in map(_prepare, english) if c.lessons]
    outcome = Outcome()
    if not courses:
        return outcome
    histories: list[_History] = []
    with transaction.atomic(), statements_batched(size=batch):
        for learner in learners:
            since = learner.since
            for course in _choose(rng, learner, courses):
                since = _after(rng, since, now, days=120)  # each enrolment after the last
                histories.append(_play(rng, learner, course, since, now))
            if len(histories) >= 500:
                _write(histories, outcome)
                histories = []
        _write(histories, outcome)
    return outcome


def _prepare(page: CoursePage) -> _Course:
    lessons = []
    for lesson in course_lessons(page):
        check = lesson.knowledge_check()
        lessons.append(
            _Lesson(
                page=lesson,
                module=lesson.path[: -lesson.steplen],
                check=check,
                questions=questions_of(check.value) if check is not None else [],
            )
        )
    targets = {t.competency: t.level for t in page.competency_targets.select_related("competency")}
    return _Course(page, HABITS.get(page.slug, DEFAULT_HABITS), lessons, targets)


def _choose(rng: random.Random, learner: Learner, courses: list[_Course]) -> list[_Course]:
    """The courses a person enrolled on, most likely those their job role needs."""
    count = rng.choices(range(len(COURSES_TAKEN)), weights=COURSES_TAKEN)[0]
    weights = [c.habits.popularity * (0.2 + _relevance(learner, c)) for c in courses]
    chosen: list[_Course] = []
    for _ in range(min(count, len(courses))):
        pick = rng.choices(range(len(courses)), weights=weights)[0]
        chosen.append(courses[pick])
        weights[pick] = 0
    return chosen


def _relevance(learner: Learner, course: _Course) -> float:
    """The share of what the course builds that the person's job role asks for (0 to 1)."""
    if not course.targets:
        return 0.5
    shares = [
        min(learner.role_targets.get(competency.pk, 0), level) / level if level else 1
        for competency, level in course.targets.items()
    ]
    return sum(shares) / len(shares)


def _after(rng: random.Random, since: datetime, now: datetime, *, days: float) -> datetime:
    """A moment up to `days` after `since`, or between `since` and now when that would be in
    the future."""
    when = since + timedelta(days=rng.uniform(1, days))
    if when >= now:
        when = since + (now - since) * rng.random()
    return when


def _gap(rng: random.Random, *, same_sitting: float, minutes: float, days: float) -> timedelta:
    """Time to the next step: minutes in the same sitting, else days."""
    if rng.random() < same_sitting:
        return timedelta(minutes=rng.uniform(2, minutes))
    return timedelta(days=rng.uniform(1, days))


def _play(
    rng: random.Random, learner: Learner, course: _Course, enrolled_at: datetime, now: datetime
) -> _History:
    """How far one person got with one course, from enrolling up to now."""
    registration = uuid.UUID(int=rng.getrandbits(128), version=4)
    enrolment = Enrolment(user=learner.user, course=course.page, registration=registration)
    history = _History(course, enrolment, enrolled_at)
    keeps_going = course.habits.keeps_going
    if rng.random() < 0.05 + 0.5 * (1 - keeps_going):
        return history  # enrolled, never started
    when = enrolled_at + _gap(rng, same_sitting=0.35, minutes=240, days=21)
    done: set[int] = set()
    visited: set[int] = set()
    queue = list(course.lessons)
    while queue:
        lesson = queue.pop(0)
        if lesson.page.pk in done:
            continue
        if history.events:
            if rng.random() > keeps_going:
                break  # drifted away
            when += _gap(rng, same_sitting=0.45, minutes=30, days=14)
        if when >= now:
            break  # not got this far yet
        if lesson.page.pk not in visited:
            visited.add(lesson.page.pk)
            history.events.append(_Event(when, lesson.page))
        if lesson.check is None:
            when += timedelta(minutes=rng.uniform(4, 20))
            if when >= now:
                break
            history.events.append(_Event(when, lesson.page, completes=[lesson.page], via="read"))
            done.add(lesson.page.pk)
            continue
        when += timedelta(minutes=rng.uniform(6, 25))
        outcome = _take_check(rng, learner, course, lesson, history, when, now, done)
        if outcome is None:
            break  # gave up after failing, or has not come back yet
        if outcome == "later":
            # A failed placement check: through the module's lessons first, then again.
            module = [each for each in queue if each.module == lesson.module]
            queue = module + [lesson] + [each for each in queue if each not in module]
            continue
        when = outcome
    return history


def _take_check(rng, learner, course, lesson, history, when, now, done):
    """Attempts at one knowledge check. Returns when it was passed; "later" when a placement
    check was failed at the first try; None when the learner gave up or has not retried yet."""
    check = lesson.check.value
    competency = check.get("competency")
    level = check.get("evidences_level") or 1
    mine = learner.levels.get(competency.pk, 1) if competency is not None else level
    number = 1 + sum(1 for e in history.events if e.marking and e.lesson.pk == lesson.page.pk)
    while number <= MAX_ATTEMPTS and when < now:
        right = course.habits.knows + 0.05 * (mine - level) + 0.12 * (number - 1)
        right = max(0.35, min(0.97, right))
        answers = {q.id: _answer(rng, q, rng.random() < right) for q in lesson.questions}
        marking = mark(lesson.questions, answers, check["pass_mark"])
        event = _Event(when, lesson.page, marking, number)
        history.events.append(event)
        if marking.passed:
            completes = [lesson]
            if lesson.page.placement:
                completes = [each for each in course.lessons if each.module == lesson.module]
                event.via = "placement"
            event.completes = [each.page for each in completes if each.page.pk not in done]
            done.update(page.pk for page in event.completes)
            return when
        if lesson.page.placement and number == 1:
            return "later"
        if rng.random() < (0.12, 0.25, 0.45, 0.7, 1)[number - 1]:
            return None
        number += 1
        when += _gap(rng, same_sitting=0.65, minutes=15, days=10)
    return None


def _answer(rng: random.Random, question: Question, right: bool) -> list[str]:
    correct = question.correct_ids
    if right:
        return list(correct)
    wrong = [o.id for o in question.options if o.id not in correct]
    if question.kind != "multiple" or not wrong:
        return [rng.choice(wrong or correct)]
    # A multiple-choice answer is wrong by one option too many or one too few.
    if len(correct) > 1 and rng.random() < 0.5:
        left_out = rng.choice(correct)
        return [i for i in correct if i != left_out]
    return [*correct, rng.choice(wrong)]


def _write(histories: list[_History], outcome: Outcome) -> None:
    """The rows and statements of these histories, as courses.services records them."""
    if not histories:
        return
    enrolments = Enrolment.objects.bulk_create([h.enrolment for h in histories], batch_size=1000)
    visits, attempts, completions, certificates = [], [], [], []
    for history, enrolment in zip(histories, enrolments, strict=True):
        enrolment.enrolled_at = history.enrolled_at
        outcome.statements += len(course_xapi.registered(enrolment, history.enrolled_at))
        lessons = len(history.course.lessons)
        completed = 0
        for event in history.events:
            lesson, when = event.lesson, event.when
            if event.marking is None and not event.completes:  # lesson_visit
                enrolment.last_lesson = lesson
                visits.append((LessonVisit(enrolment=enrolment, lesson=lesson), when))
                outcome.statements += len(course_xapi.experienced(enrolment, lesson, when))
                continue
            if event.marking is not None:  # knowledge_check_submit
                marking = event.marking
                attempt = KnowledgeCheckAttempt(
                    enrolment=enrolment,
                    lesson=lesson,
                    number=event.number,
                    answers={q.id: q.chosen for q in marking.questions},
                    correct=marking.correct,
                    total=marking.total,
                    passed=marking.passed,
                )
                attempts.append((attempt, when))
                check = lesson.knowledge_check()
                outcome.statements += len(
                    course_xapi.check_marked(enrolment, lesson, check, marking, event.number, when)
                )
            if event.completes:  # services._complete
                completions.extend(
                    (LessonCompletion(enrolment=enrolment, lesson=each, via=event.via), when)
                    for each in event.completes
                )
                outcome.statements += len(
                    course_xapi.lesson_completed(enrolment, event.completes, when)
                )
                completed += len(event.completes)
                outcome.statements += len(
                    course_xapi.progressed(enrolment, round(100 * completed / lessons), when)
                )
                if completed >= lessons:
                    enrolment.completed_at = when
                    certificates.append((Certificate(enrolment=enrolment), when))
                    outcome.statements += len(
                        course_xapi.course_completed(enrolment, history.course.targets, when)
                    )
                    outcome.completed += 1
        outcome.enrolments += 1
        outcome.attempts += sum(1 for e in history.events if e.marking is not None)
    Enrolment.objects.bulk_update(
        enrolments, ["enrolled_at", "completed_at", "last_lesson"], batch_size=500
    )
    _create_dated(LessonVisit, visits)
    _create_dated(KnowledgeCheckAttempt, attempts)
    _create_dated(LessonCompletion, completions)
    _create_dated(Certificate, certificates)


# The field that holds each record's auto_now_add date.
_DATE_FIELDS = {
    LessonVisit: "first_visited_at",
    KnowledgeCheckAttempt: "submitted_at",
    LessonCompletion: "completed_at",
    Certificate: "issued_at",
}


def _create_dated(model, rows: list[tuple]) -> None:
    """bulk_create (row, date) pairs, then give each row its past date: auto_now_add makes
    every date now."""
    if not rows:
        return
    date_field = _DATE_FIELDS[model]
    created = model.objects.bulk_create([row for row, _ in rows], batch_size=1000)
    for row, (_, when) in zip(created, rows, strict=True):
        setattr(row, date_field, when)
    model.objects.bulk_update(created, [date_field], batch_size=500)
