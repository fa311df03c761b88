"""The service in French, Spanish and Arabic, in a real browser: a learner's whole journey in
each language on a phone-sized screen without JavaScript, the switcher keeping the page, and the
CTO office's skill-gap reports in Arabic, right to left. Every page visited passes axe-core,
does not scroll sideways at 320 px and says its language and direction."""

import re

import pytest
from django.conf import settings

from accounts.roles import Role
from competencies.services import framework_load
from courses.loading import course_load
from courses.models import Enrolment, LessonPage
from lms.languages import html_tag
from tests.analytics.scenario import build_organisation
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.browser.conftest import once_per_module
from tests.browser.test_courses import answer_correctly
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.courses.data import course_data
from tests.factories import PASSWORD, make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGES = ["fr", "es", "ar"]
RTL = {"ar"}


@pytest.fixture
def organisation(request, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    return once_per_module(request, build_organisation_with_learners)


def build_organisation_with_learners():
    """The skill-gap scenario's organisation, the CTO office, a course, and one learner for
    each language, none of them enrolled yet."""
    framework_load(DIGCOMP_MINI)
    framework_load(framework_data())
    organisation = build_organisation()
    organisation.cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    organisation.course = course_load(course_data(), owner=organisation.cto)
    organisation.learners = {
        language: make_person(
            email=f"learner.{language}@example.org",
            department=organisation.departments["CRS"],
            first_name="Amina",
            last_name="Okafor",
        )
        for language in LANGUAGES
    }
    return organisation


def looks(page) -> dict:
    """What every page must show: its language and direction, axe-core's violations and how far
    it scrolls sideways."""
    page.wait_for_load_state("load")
    html = page.locator("html")
    return {
        "lang": html.get_attribute("lang"),
        "dir": html.get_attribute("dir"),
        "axe": axe_violations(page),
        "overflow": horizontal_overflow(page),
    }


def passing(language: str) -> dict:
    return {
        "lang": html_tag(language),
        "dir": "rtl" if language in RTL else "ltr",
        "axe": [],
        "overflow": 0,
    }


# Where things sit, measured in the browser, for whichever of these the page has: the side of
# the page the words of its heading and of its error summary start from, the side a back link's
# chevron and a breadcrumb's point to, the side of its label a radio's control is on, the side
# of a field in error its red bar is on, the side the first breadcrumb is on.
SIDES = """() => {
  const box = element => element.getBoundingClientRect();
  const main = box(document.querySelector("main"));
  // Where the words are, not the box that holds them (a heading's box spans the column).
  const words = element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return range.getBoundingClientRect();
  };
  const side = element => {
    const b = words(element);
    return Math.abs(b.left - main.left) < Math.abs(main.right - b.right) ? "left" : "right";
  };
  // A chevron is a box's top and right borders, turned: 45deg points right, 225deg left.
  const points = (element, pseudo) => {
    const [a] = getComputedStyle(element, pseudo).transform.slice(7).split(",").map(Number);
    return a > 0 ? "right" : "left";
  };
  const one = selector => document.querySelector(selector);
  const facts = {};
  if (one("h1")) facts["heading starts"] = side(one("h1"));
  if (one(".govuk-error-summary__list a")) {
    facts["error summary starts"] = side(one(".govuk-error-summary__list a"));
  }
  const back = one(".govuk-back-link");
  if (back) facts["back link points"] = points(back, "::before");
  const crumbs = document.querySelectorAll(".govuk-breadcrumbs__list-item");
  if (crumbs.length > 1) {
    facts["first breadcrumb"] = side(crumbs[0]);
    facts["breadcrumb chevron points"] = points(crumbs[1], "::before");
  }
  const radio = one(".govuk-radios__item");
  if (radio) {
    const ring = getComputedStyle(radio.querySelector("label"), "::before");
    const label = box(radio.querySelector("label")), item = box(radio);
    const ringLeft = parseFloat(ring.left) <= 2 ? item.left : item.right - 40;
    facts["radio control"] = ringLeft + 20 < label.left + label.width / 2 ? "left" : "right";
  }
  const error = one(".govuk-form-group--error");
  if (error) {
    const right = parseFloat(getComputedStyle(error).borderRightWidth) > 0;
    facts["error bar"] = right ? "right" : "left";
  }
  return facts;
}"""


def sides(language: str, *facts: str) -> dict:
    """Where `facts` should be in `language`: at the side a line starts from, or pointing the
    way it reads on ("back" points to where a line starts)."""
    start, end = ("right", "left") if language in RTL else ("left", "right")
    where = {
        "heading starts": start,
        "error summary starts": start,
        "back link points": start,
        "first breadcrumb": start,
        "breadcrumb chevron points": end,
        "radio control": start,
        "error bar": start,
    }
    return {fact: where[fact] for fact in facts}


def switch_to(page, language: str) -> None:
    """Choose `language` with the switcher: a button of a form, written in its own language."""
    page.locator(f".app-language-switcher__button[value='{language}']").click()
    page.wait_for_load_state("load")


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_learner_journey_in_each_language(new_page, organisation, language):
    course = organisation.course
    learner = organisation.learners[language]
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    page = new_page(width=320, javascript=False)
    seen, expected = {}, {}

    def visit(step: str, path: str) -> None:
        seen[step] = {"path": path_of(page), **looks(page)}
        expected[step] = {"path": path, **passing(language)}

    # A visitor chooses the language on the English sign-in page and lands on the same page.
    page.goto("/accounts/login/")
    switch_to(page, language)
    visit("sign-in page", f"/{language}/accounts/login/")

    # The translated form signs the learner in, and the service stays in their language.
    page.locator("input[name=login]").fill(learner.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    visit("home page", f"/{language}/")

    # A form with its errors, laid out in the language's direction.
    page.goto(f"/{language}/self-assessment/DA/")
    page.locator("main form button[type=submit]").click()
    visit("self-assessment with errors", f"/{language}/self-assessment/DA/")
    seen["self-assessment layout"] = page.evaluate(SIDES)
    expected["self-assessment layout"] = sides(
        language,
        "heading starts",
        "error summary starts",
        "back link points",
        "radio control",
        "error bar",
    )

    page.locator("#navigation a[href$='/courses/']").click()
    visit("catalogue", f"/{language}/courses/")

    page.get_by_role("link", name=course.title).first.click()
    visit("course page", f"/{language}{course.url}")

    page.locator(f"form[action$='/learning/courses/{course.pk}/enrol/'] button").click()
    # Answers left out: the errors. The lesson is the course's content, in English until the
    # course is translated; the breadcrumbs above it follow the page's language.
    page.locator(f"form[action$='/learning/lessons/{lessons[0].pk}/check/'] button").click()
    visit("lesson 1 with errors", f"/{language}/learning/lessons/{lessons[0].pk}/check/")
    facts = page.evaluate(SIDES)
    seen["breadcrumbs"] = {key: facts[key] for key in facts if "breadcrumb" in key}
    expected["breadcrumbs"] = sides(language, "first breadcrumb", "breadcrumb chevron points")
    # The English questions keep their left-to-right layout, radios at the left, in Arabic too.
    seen["lesson radios"] = facts["radio control"]
    expected["lesson radios"] = "left"
    for index, lesson in enumerate(lessons, start=1):
        if index > 1:  # the first is open already, with its errors
            visit(f"lesson {index}", f"/{language}{lesson.url}")
        if lesson.knowledge_check() is None:
            page.locator(f"form[action$='/learning/lessons/{lesson.pk}/complete/'] button").click()
        else:
            answer_correctly(page, lesson)
            page.locator(f"form[action$='/learning/lessons/{lesson.pk}/check/'] button").click()
        if index < len(lessons):
            visit(f"lesson {index} result", f"/{language}{lesson.url}")
            page.locator("a[rel=next]").click()
    visit("course complete", f"/{language}/learning/courses/{course.pk}/complete/")

    code = Enrolment.objects.get(user=learner, course=course).certificate.code
    page.locator(f"main a[href$='/certificates/{code}/']").click()
    visit("certificate", f"/{language}/certificates/{code}/")

    # Back to a lesson, then to the next language offered: the same lesson, in that language.
    other = LANGUAGES[(LANGUAGES.index(language) + 1) % len(LANGUAGES)]
    page.goto(f"/{language}{lessons[0].url}")
    switch_to(page, other)
    seen["switched"] = {"path": path_of(page), **looks(page)}
    expected["switched"] = {"path": f"/{other}{lessons[0].url}", **passing(other)}
    # And back to English, at the address without a prefix.
    switch_to(page, settings.LANGUAGE_CODE)
    seen["english"] = (path_of(page), page.locator("html").get_attribute("lang"))
    expected["english"] = (lessons[0].url, "en-GB")

    assert seen == expected


def test_cto_office_reads_the_skill_gap_reports_in_arabic(new_page, sign_in_as, organisation):
    pages = ["/ar/reports/", "/ar/reports/departments/CRS/"]
    seen, expected = {}, {}
    for width in (1280, 320):
        page = new_page(width=width)
        sign_in_as(page, organisation.cto)
        for path in pages:
            response = page.goto(path)
            # Open every details element so the tables inside them are checked too.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            seen[(path, width)] = {
                "status": response.status,
                "heatmaps": page.locator("svg.app-heatmap").count(),
                **looks(page),
            }
            expected[(path, width)] = {"status": 200, "heatmaps": 1, **passing("ar")}

    assert seen == expected


def test_cto_office_drills_down_in_arabic_without_javascript(new_page, sign_in_as, organisation):
    page = new_page(width=320, javascript=False)
    sign_in_as(page, organisation.cto)

    page.goto("/ar/reports/")
    page.locator("main a[href$='/reports/departments/CRS/']").first.click()
    page.wait_for_url("**/ar/reports/departments/CRS/", wait_until="load")
    department = looks(page)
    heatmap = page.locator("svg.app-heatmap")
    # The department's heatmap names its job roles, and the back link leads to the whole
    # organisation, in Arabic.
    labels = [
        re.sub(r"[\u202a-\u202e\u2066-\u2069]", "", label)
        for label in heatmap.locator("text").all_text_contents()
    ]
    page.locator("a.govuk-back-link").click()
    page.wait_for_url("**/ar/reports/", wait_until="load")

    assert (department, "Data analyst" in labels, path_of(page), looks(page)) == (
        passing("ar"),
        True,
        "/ar/reports/",
        passing("ar"),
    )
