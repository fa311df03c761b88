"""The only place that turns a course event into xAPI statement inputs."""

from datetime import datetime

from django.conf import settings
from tincan import (
    Activity,
    ActivityDefinition,
    Context,
    ContextActivities,
    InteractionComponent,
    InteractionComponentList,
    Result,
    Score,
    Statement,
)

from courses.marking import questions_of
from courses.models import CoursePage, Enrolment, LessonPage
from lms.languages import html_tag
from xapi.client import statements_record, verb
from xapi.identity import learner_agent
from xapi.vocab import (
    ACTIVITY_TYPE_ASSESSMENT,
    ACTIVITY_TYPE_COURSE,
    ACTIVITY_TYPE_INTERACTION,
    ACTIVITY_TYPE_LESSON,
    LANGUAGE,
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_EXPERIENCED,
    VERB_FAILED,
    VERB_PASSED,
    VERB_PROGRESSED,
    VERB_REGISTERED,
    activity_iri,
    category_course_package,
    extension_level_claimed,
    extension_levels_claimed,
    extension_progress,
    site_iri,
)


def translations(page) -> list:
    """The published translations of a course or lesson (which is in English, the language
    its activity is named in), in the order the service lists its languages. Kept on the page
    object, which names its activity in every statement made with it."""
    found = getattr(page, "_published_translations", None)
    if found is None:
        order = {code: i for i, (code, _) in enumerate(settings.LANGUAGES)}
        found = sorted(
            type(page)
            .objects.live()
            .filter(translation_key=page.translation_key)
            .exclude(locale_id=page.locale_id)
            .select_related("locale"),
            key=lambda each: order.get(each.locale.language_code, len(order)),
        )
        page._published_translations = found
    return found


def _names(text: str, translated: list[tuple[str, str]]) -> dict[str, str]:
    """A language map: English first, then each translation's text (by language tag)."""
    return {LANGUAGE: text, **{tag: each for tag, each in translated if each}}


def course_activity(course: CoursePage) -> Activity:
    """The course, named in English and in every language it is published in."""
    translated = [(html_tag(t.locale.language_code), t.title) for t in translations(course)]
    return Activity(
        id=course.iri,
        definition=ActivityDefinition(
            name=_names(course.title, translated), type=ACTIVITY_TYPE_COURSE
        ),
    )


def lesson_activity(lesson: LessonPage) -> Activity:
    translated = [(html_tag(t.locale.language_code), t.title) for t in translations(lesson)]
    return Activity(
        id=lesson.iri,
        definition=ActivityDefinition(
            name=_names(lesson.title, translated), type=ACTIVITY_TYPE_LESSON
        ),
    )


def _checks(lesson: LessonPage) -> list[tuple[str, LessonPage, object]]:
    """(language tag, lesson, knowledge check) for each published translation of `lesson`
    with a check."""
    found = []
    for each in translations(lesson):
        check = each.knowledge_check()
        if check is not None:
            found.append((html_tag(each.locale.language_code), each, check))
    return found


def assessment_activity(lesson: LessonPage, check, translated_checks=None) -> Activity:
    if translated_checks is None:
        translated_checks = _checks(lesson)
    translated = [
        (tag, f"{each.title}: {each_check.value['title']}")
        for tag, each, each_check in translated_checks
    ]
    return Activity(
        id=activity_iri("assessment", check.id),
        definition=ActivityDefinition(
            name=_names(f"{lesson.title}: {check.value['title']}", translated),
            type=ACTIVITY_TYPE_ASSESSMENT,
        ),
    )


def _context(enrolment: Enrolment, *parents: Activity, competency=None) -> Context:
    others = [Activity(id=competency.iri)] if competency is not None else None
    return Context(
        registration=str(enrolment.registration),
        context_activities=ContextActivities(parent=list(parents) or None, other=others),
    )


def _statement(
    enrolment: Enrolment, verb_id: str, target: Activity, when: datetime, *, actor=None, **parts
):
    """A statement about the enrolled learner; `actor` saves looking their Agent up again when
    one event makes several statements."""
    return Statement(
        actor=actor or learner_agent(user=enrolment.user),
        verb=verb(verb_id),
        object=target,
        timestamp=when,
        **parts,
    )


def registered(enrolment: Enrolment, when: datetime) -> list[str]:
    statement = _statement(
        enrolment,
        VERB_REGISTERED,
        course_activity(enrolment.course),
        when,
        context=_context(enrolment),
    )
    return statements_record([statement], attempts=[str(enrolment.registration)])


def experienced(enrolment: Enrolment, lesson: LessonPage, when: datetime) -> list[str]:
    statement = _statement(
        enrolment,
        VERB_EXPERIENCED,
        lesson_activity(lesson),
        when,
        context=_context(enrolment, course_activity(enrolment.course)),
    )
    # One "experienced" per lesson per enrolment: re-reading is not a new learning event.
    return statements_record([statement], attempts=[str(enrolment.registration)])


def check_marked(
    enrolment: Enrolment, lesson: LessonPage, check, marking, attempt_number: int, when: datetime
) -> list[str]:
    """answered per question (cmi.interaction), then passed or failed with the scaled score."""
    course = course_activity(enrolment.course)
    translated_checks = _checks(lesson)
    assessment = assessment_activity(lesson, check, translated_checks)
    attempt = f"{enrolment.registration}/{attempt_number}"
    actor = learner_agent(user=enrolment.user)
    # Questions are named as the English lesson words them, with each translation's wording;
    # a translation keeps its source's question and option ids.
    english = {question.id: question for question in questions_of(check.value)}
    translated = [
        (tag, {question.id: question for question in questions_of(each_check.value)})
        for tag, _, each_check in translated_checks
    ]
    statements, attempts = [], []
    for question in marking.questions:
        statements.append(
            _statement(
                enrolment,
                VERB_ANSWERED,
                _interaction(question, english.get(question.id), translated),
                when,
                actor=actor,
                result=Result(response="[,]".join(question.chosen), success=question.correct),
                context=_context(enrolment, assessment, course),
            )
        )
        attempts.append(attempt)
    competency = check.value.get("competency")
    result = Result(
        score=Score(scaled=round(marking.scaled, 4), raw=marking.correct, min=0, max=marking.total),
        success=marking.passed,
    )
    if marking.passed and competency is not None:
        result.extensions = {extension_level_claimed(): check.value["evidences_level"]}
    statements.append(
        _statement(
            enrolment,
            VERB_PASSED if marking.passed else VERB_FAILED,
            assessment,
            when,
            actor=actor,
            result=result,
            context=_context(enrolment, lesson_activity(lesson), course, competency=competency),
        )
    )
    attempts.append(attempt)
    return statements_record(statements, attempts=attempts)


def _interaction(question, english=None, translated=()) -> Activity:
    """A question as an interaction: `question` as marked, named by `english` (the English
    lesson's question with the same id, when the learner read a translation) and by each
    translation's question with that id (`translated`: language tag, question id -> Question)."""
    english_text = english.text if english is not None else question.text
    english_options = (
        {option.id: option.text for option in english.options} if english is not None else {}
    )
    wordings = [(tag, questions.get(question.id)) for tag, questions in translated]
    wordings = [(tag, each) for tag, each in wordings if each is not None]
    interaction_type = "true-false" if question.kind == "true_false" else "choice"
    if interaction_type == "true-false":
        correct = ["true" if question.correct_ids[0] == question.option_ids[0] else "false"]
        choices = None
    else:
        correct = ["[,]".join(question.correct_ids)]
        choices = InteractionComponentList(
            [
                InteractionComponent(
                    id=option_id,
                    description=_names(
                        english_options.get(option_id, text),
                        [
                            (tag, {o.id: o.text for o in each.options}.get(option_id, ""))
                            for tag, each in wordings
                        ],
                    ),
                )
                for option_id, text in zip(question.option_ids, question.option_texts, strict=True)
            ]
        )
    definition = ActivityDefinition(
        name=_names(english_text[:200], [(tag, each.text[:200]) for tag, each in wordings]),
        type=ACTIVITY_TYPE_INTERACTION,
        interaction_type=interaction_type,
        correct_responses_pattern=correct,
    )
    if choices is not None:
        definition.choices = choices
    return Activity(id=activity_iri("question", question.id), definition=definition)


def lesson_completed(enrolment: Enrolment, lessons: list[LessonPage], when: datetime) -> list[str]:
    course = course_activity(enrolment.course)
    actor = learner_agent(user=enrolment.user)
    statements = [
        _statement(
            enrolment,
            VERB_COMPLETED,
            lesson_activity(lesson),
            when,
            actor=actor,
            result=Result(completion=True),
            context=_context(enrolment, course),
        )
        for lesson in lessons
    ]
    return statements_record(statements, attempts=[str(enrolment.registration)] * len(statements))


def progressed(enrolment: Enrolment, percent: int, when: datetime) -> list[str]:
    statement = _statement(
        enrolment,
        VERB_PROGRESSED,
        course_activity(enrolment.course),
        when,
        result=Result(extensions={extension_progress(): percent}),
        context=_context(enrolment),
    )
    return statements_record([statement], attempts=[f"{enrolment.registration}/{percent}"])


def course_completed(enrolment: Enrolment, targets: dict, when: datetime) -> list[str]:
    """Completion of a course, with the competencies it builds and the level it builds each to
    (`targets`: Competency -> level), as evidence for the skill-gap reports."""
    result = Result(completion=True)
    context = _context(enrolment)
    if targets:
        result.extensions = {
            extension_levels_claimed(): {c.iri: level for c, level in targets.items()}
        }
        context.context_activities.other = [Activity(id=c.iri) for c in targets]
    statement = _statement(
        enrolment,
        VERB_COMPLETED,
        course_activity(enrolment.course),
        when,
        result=result,
        context=context,
    )
    return statements_record([statement], attempts=[str(enrolment.registration)])


def package_activity(package) -> Activity:
    """A bought-in course package, named by its own stable UUID (never its file names)."""
    return Activity(
        id=activity_iri("package", package.uuid),
        definition=ActivityDefinition(name={LANGUAGE: package.title}, type=ACTIVITY_TYPE_COURSE),
    )


def package_passed(
    enrolment: Enrolment, lesson: LessonPage, package, *, competency, level: int, outcome
) -> str:
    """Evidence of `competency` at `level` from passing a lesson's course package: "passed"
    with the package as object, the lesson as parent, the course as grouping, and the
    course-package category naming where the evidence came from. Returns its id; one per
    enrolment and lesson (the caller records it once)."""
    result = Result(success=True, extensions={extension_level_claimed(): level})
    if outcome.score_scaled is not None:
        result.score = Score(scaled=round(outcome.score_scaled, 4))
    context = Context(
        registration=str(enrolment.registration),
        context_activities=ContextActivities(
            parent=[lesson_activity(lesson)],
            grouping=[course_activity(enrolment.course)],
            other=[Activity(id=competency.iri)],
            category=[Activity(id=category_course_package())],
        ),
    )
    statement = _statement(
        enrolment,
        VERB_PASSED,
        package_activity(package),
        outcome.occurred_at,
        result=result,
        context=context,
    )
    return statements_record([statement], attempts=[f"{enrolment.registration}/{lesson.iri}"])[0]


def programme_activity(programme) -> Activity:
    """A programme (a learning path of courses), named by its stable UUID. ADL defines no type
    for a path of courses, so its type is an IRI under the site's own space."""
    return Activity(
        id=programme.iri,
        definition=ActivityDefinition(
            name={LANGUAGE: programme.title}, type=site_iri("xapi/activity-types/programme")
        ),
    )


def programme_completed(completion, targets: dict) -> list[str]:
    """Completion of a programme (`completion`: a ProgrammeCompletion), with the competencies
    it builds and the level it builds each to (`targets`: Competency -> level), as a course's
    completion carries them. One per person and programme: its certificate code is the attempt."""
    result = Result(completion=True)
    parts = {}
    if targets:
        result.extensions = {
            extension_levels_claimed(): {c.iri: level for c, level in targets.items()}
        }
        parts["context"] = Context(
            context_activities=ContextActivities(other=[Activity(id=c.iri) for c in targets])
        )
    statement = Statement(
        actor=learner_agent(user=completion.user),
        verb=verb(VERB_COMPLETED),
        object=programme_activity(completion.programme),
        timestamp=completion.completed_at,
        result=result,
        **parts,
    )
    return statements_record([statement], attempts=[completion.code])
