"""The seeded demo looks like a real organisation to a training lead: people enrol and have not
all finished, some stop part-way, knowledge checks are failed and passed on a retry, over months;
and what the reports read from the records agrees with what the LRS holds."""

import html
import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from accounts.models import User
from analytics.demo.organisation import EMAIL_DOMAIN
from analytics.models import Evidence
from competencies.proficiency import Source
from courses.models import CoursePage, Enrolment, KnowledgeCheckAttempt, LessonCompletion
from tests.courses.test_wagtail_hooks import REPORT, cells
from tests.module_data import check_constraints_once
from xapi.models import Statement
from xapi.vocab import (
    ACTIVITY_TYPE_COURSE,
    VERB_COMPLETED,
    VERB_FAILED,
    VERB_PASSED,
    VERB_REGISTERED,
)

pytestmark = pytest.mark.django_db
STAFF = 300


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo with synthetic staff, seeded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--synthetic-staff", str(STAFF), stdout=StringIO())
        check_constraints_once()
        yield
        transaction.set_rollback(True)


def _figures():
    """Per course title: enrolled, completed, attempts, passed attempts, first attempts and
    first attempts passed, counted from the records."""
    figures = {}
    # A course's translations share its records: each course is counted once, in English.
    for course in CoursePage.objects.live().filter(locale=Locale.get_default()):
        enrolments = Enrolment.objects.filter(course=course)
        attempts = KnowledgeCheckAttempt.objects.filter(enrolment__course=course)
        figures[course.title] = (
            enrolments.count(),
            enrolments.exclude(completed_at=None).count(),
            attempts.count(),
            attempts.filter(passed=True).count(),
            attempts.filter(number=1).count(),
            attempts.filter(number=1, passed=True).count(),
        )
    return figures


def test_every_demo_course_has_some_but_not_all_learners_finished(demo):
    figures = _figures()

    assert len(figures) == 9
    for title, (enrolled, completed, *_) in figures.items():
        assert 0 < completed < enrolled, title


def test_every_knowledge_check_course_has_attempts_failures_and_passes(demo):
    for title, (_, _, attempts, passed, first, first_passed) in _figures().items():
        assert 0 < passed < attempts, title
        assert 0 < first_passed < first, title
    pass_rates = {round(100 * f[3] / f[2]) for f in _figures().values()}
    assert len(pass_rates) > 3  # some courses are harder than others


def test_some_learners_fail_a_check_and_pass_it_on_a_retry(demo):
    failed_first = KnowledgeCheckAttempt.objects.filter(
        enrolment=OuterRef("enrolment"), lesson=OuterRef("lesson"), number=1, passed=False
    )
    retried = KnowledgeCheckAttempt.objects.filter(number__gt=1, passed=True).filter(
        Exists(failed_first)
    )
    gave_up = (
        KnowledgeCheckAttempt.objects.values("enrolment", "lesson")
        .annotate(passes=Count("pk", filter=Q(passed=True)))
        .filter(passes=0)
    )

    assert retried.count() > 20
    assert gave_up.exists()  # some failed and have not passed yet


def test_enrolments_are_not_started_part_way_or_completed(demo):
    enrolments = Enrolment.objects.annotate(lessons=Count("completions"))
    not_started = enrolments.filter(lessons=0).count()
    part_way = enrolments.filter(lessons__gt=0, completed_at=None).count()
    completed = enrolments.exclude(completed_at=None).count()
    total = enrolments.count()

    assert not_started + part_way + completed == total
    for share in (not_started, part_way, completed):
        assert 0.1 < share / total < 0.7
    # Part-way learners stop at a lesson they have opened.
    assert (
        Enrolment.objects.filter(completed_at=None, completions__isnull=False)
        .exclude(last_lesson=None)
        .exists()
    )


def test_dates_spread_over_months_and_follow_each_other(demo):
    now = timezone.now()
    enrolments = Enrolment.objects.all()
    dates = sorted(enrolments.values_list("enrolled_at", flat=True))

    assert dates[-1] - dates[0] > timedelta(days=240)
    assert dates[-1] <= now
    months = {(d.year, d.month) for d in dates}
    assert len(months) >= 9
    late = KnowledgeCheckAttempt.objects.filter(submitted_at__lt=F("enrolment__enrolled_at"))
    assert not late.exists()
    for enrolment in enrolments.exclude(completed_at=None)[:50]:
        last = enrolment.completions.order_by("-completed_at").first()
        assert enrolment.enrolled_at < enrolment.completed_at == last.completed_at <= now
        assert enrolment.certificate.issued_at == enrolment.completed_at


def test_the_lrs_holds_the_statements_the_records_were_made_with(demo):
    synthetic = Enrolment.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}")
    statements = Statement.objects.all()
    course_types = [ACTIVITY_TYPE_COURSE]

    def verb_count(verb, **where):
        return sum(
            1
            for data in statements.filter(verb_id=verb).values_list("data", flat=True)
            if all(_get(data, path) in values for path, values in where.items())
        )

    assert verb_count(VERB_REGISTERED) == synthetic.count()
    assert verb_count(VERB_PASSED) + verb_count(VERB_FAILED) == (
        KnowledgeCheckAttempt.objects.count()
    )
    assert verb_count(VERB_FAILED) == KnowledgeCheckAttempt.objects.filter(passed=False).count()
    assert (
        verb_count(VERB_COMPLETED, **{"object.definition.type": course_types})
        == synthetic.exclude(completed_at=None).count()
    )
    completed_lessons = verb_count(VERB_COMPLETED) - verb_count(
        VERB_COMPLETED, **{"object.definition.type": course_types}
    )
    assert completed_lessons == LessonCompletion.objects.count()
    # Passed checks are evidence for the skill-gap reports.
    assert Evidence.objects.filter(source=Source.CHECK).exists()
    # Pseudonymous: no email addresses or names of the synthetic staff.
    texts = [json.dumps(d) for d in statements.values_list("data", flat=True)]
    assert not any("mailto:" in t or EMAIL_DOMAIN in t for t in texts)


def _get(data, path: str):
    for key in path.split("."):
        data = (data or {}).get(key)
    return data


def test_seeding_again_adds_nothing(demo):
    before = (
        Enrolment.objects.count(),
        KnowledgeCheckAttempt.objects.count(),
        Statement.objects.count(),
        User.objects.count(),
    )

    call_command("seed_demo", "--synthetic-staff", str(STAFF), stdout=StringIO())

    assert (
        Enrolment.objects.count(),
        KnowledgeCheckAttempt.objects.count(),
        Statement.objects.count(),
        User.objects.count(),
    ) == before


def _share(text: str, part: int, whole: int) -> bool:
    """Whether a page's percentage is `part` of `whole`, rounded, and strictly between 0% and
    100%."""
    value = int(re.fullmatch(r"(\d+)%", text)[1])
    return 0 < value < 100 and abs(value - 100 * part / whole) <= 0.5


def test_training_leads_course_report_shows_the_figures(demo, client):
    lead = User.objects.get(email="training.lead@example.org")
    client.force_login(lead)

    response = client.get(REPORT)

    assert response.status_code == 200
    rows = {html.unescape(row[0]): row for row in cells(response.content.decode())}
    figures = _figures()
    assert set(rows) == set(figures)
    for title, (enrolled, completed, attempts, passed, first, first_passed) in figures.items():
        (
            _,
            status,
            shown_enrolled,
            shown_completed,
            rate,
            shown_attempts,
            pass_rate,
            first_rate,
            learners,
        ) = rows[title]
        assert (
            html.unescape(learners),
            status,
            shown_enrolled,
            shown_completed,
            shown_attempts,
        ) == (
            f"Learners of {html.unescape(title)}",
            "Live",
            str(enrolled),
            str(completed),
            str(attempts),
        )
        assert _share(rate, completed, enrolled), (title, rate)
        assert _share(pass_rate, passed, attempts), (title, pass_rate)
        assert _share(first_rate, first_passed, first), (title, first_rate)


def test_cto_offices_report_counts_levels_from_checks_and_completed_courses(demo, client):
    client.force_login(User.objects.get(email="cto.office@example.org"))

    response = client.get(reverse("organisation_report"))

    assert response.status_code == 200
    page = re.sub(r"<[^>]+>|\s+", " ", response.content.decode())
    sources = dict(re.findall(r"(Knowledge check|Course completion): (\d+)", page))
    assert int(sources["Knowledge check"]) > 0
    assert int(sources["Course completion"]) > 0
