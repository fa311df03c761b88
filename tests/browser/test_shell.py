"""The site shell in a real browser, at 320 px and 1280 px: every table fits its container or
scrolls inside a labelled, keyboard-focusable region with a visible cue, no cell's text is cut,
the pages pass axe, and the menu of the role with the most entries stays on one row."""

import pytest

from accounts.roles import Role
from competencies.services import framework_load
from courses.loading import course_load
from organisations.models import Membership
from tests.analytics.scenario import build_organisation
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.browser.conftest import once_per_module
from tests.browser.test_accessibility import SIGNED_IN_PAGES
from tests.browser.test_reports import CTO_PAGES
from tests.competencies.frameworks import DIGCOMP_MINI, framework_data
from tests.courses.data import course_data
from tests.factories import make_person
from tests.mfa import activate_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Each table: [caption, problem] for every rule it breaks; an empty list when all is well.
TABLE_PROBLEMS = """() => {
  const problems = [];
  for (const table of document.querySelectorAll("main table")) {
    const name = table.caption ? table.caption.textContent.trim().slice(0, 60) : "(no caption)";
    const region = table.closest(".app-table-scroll");
    const box = region || table.parentElement;
    if (box.scrollWidth > box.clientWidth) {
      if (!region) { problems.push([name, "too wide, and not in a scroll region"]); continue; }
      if (region.getAttribute("role") !== "region") problems.push([name, "region without role"]);
      if (region.tabIndex !== 0) problems.push([name, "region not focusable"]);
      const labelled = document.getElementById(region.getAttribute("aria-labelledby") || "");
      if (!labelled || !labelled.textContent.trim()) problems.push([name, "region unnamed"]);
      if (!getComputedStyle(region).backgroundImage.includes("radial-gradient"))
        problems.push([name, "no scroll cue"]);
      region.focus();
      if (document.activeElement !== region) problems.push([name, "region takes no focus"]);
      if (getComputedStyle(region).outlineStyle === "none")
        problems.push([name, "no focus outline"]);
      region.blur();
    }
    if (table.caption && table.caption.getBoundingClientRect().width > box.clientWidth + 1)
      problems.push([name, "caption wider than what is in view"]);
    for (const cell of table.querySelectorAll("th, td")) {
      if (cell.scrollWidth > cell.clientWidth + 1)
        problems.push([name, "cell text cut: " + cell.textContent.trim().slice(0, 40)]);
    }
  }
  return problems;
}"""

# The column headings of each scrolling table that are in view without scrolling.
HEADINGS_IN_VIEW = """() => [...document.querySelectorAll("main .app-table-scroll table")]
  .map(t => {
  const right = t.closest(".app-table-scroll").getBoundingClientRect().right;
  return [...t.tHead.rows[0].cells]
    .filter(c => c.getBoundingClientRect().right <= right + 0.5)
    .map(c => c.textContent.trim());
})"""


@pytest.fixture
def organisation(request, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    return once_per_module(request, build_organisation_with_a_course)


def build_organisation_with_a_course():
    framework_load(DIGCOMP_MINI)
    framework_load(framework_data())
    course_load(course_data(), owner=make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD]))
    organisation = build_organisation()
    organisation.cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    return organisation


# Pages that other browser tests already put through axe at both widths, with the same
# organisation: test_reports (the report pages), test_accessibility (the account pages and the
# department lists) and test_competencies (the self-assessment results). Here they are checked
# for their tables and reflow only.
AXE_CHECKED_ELSEWHERE = {
    *CTO_PAGES,
    "/reports/me/",
    "/self-assessment/results/",
    *SIGNED_IN_PAGES,
}


def check_pages(page, paths, width):
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems += [(width, path, *problem) for problem in page.evaluate(TABLE_PROBLEMS)]
        if horizontal_overflow(page) != 0:
            problems.append((width, path, "the page scrolls sideways"))
        if path not in AXE_CHECKED_ELSEWHERE:
            problems += [(width, path, violation) for violation in axe_violations(page)]
    return problems


def test_tables_fit_or_scroll_in_labelled_regions_at_320_and_1280(
    new_page, sign_in_as, organisation
):
    manager = organisation.managers["CRS"]
    report = Membership.objects.filter(line_manager=manager).first().user
    learner = organisation.people["o4"]
    visits = [
        (
            organisation.cto,
            [
                "/reports/",
                "/reports/competencies/DA.1/",
                "/reports/departments/FIN/",
                "/reports/departments/CRS/competencies/DA.1/",
                "/departments/",
                "/reports/list/",
            ],
        ),
        (manager, ["/reports/departments/CRS/", "/team/", f"/team/{report.pk}/", "/department/"]),
        (
            learner,
            [
                "/learning/skills/",
                "/reports/me/",
                "/self-assessment/results/",
                "/courses/",
                "/profile/",
                "/accounts/email/",
                "/accounts/password/change/",
                "/accounts/2fa/",
            ],
        ),
    ]
    problems = []
    for person, paths in visits:
        # One page per person, loading each path afresh at each width.
        page = new_page()
        sign_in_as(page, person)
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            problems += check_pages(page, paths, width)
    assert problems == []


def test_the_skills_profile_shows_role_needs_and_gap_at_320px(new_page, sign_in_as, organisation):
    page = new_page(width=320)
    sign_in_as(page, organisation.people["o4"])

    seen = {}
    for path in ["/learning/skills/", "/reports/me/", "/self-assessment/results/"]:
        page.goto(path)
        seen[path] = {tuple(headings[:3]) for headings in page.evaluate(HEADINGS_IN_VIEW)}

    assert seen == {
        "/learning/skills/": {("Competency", "Role needs", "Gap")},
        "/reports/me/": {("Competency", "Role needs", "Gap")},
        "/self-assessment/results/": {("Competency", "Role needs", "Gap")},
    }


def test_the_fullest_menu_is_one_row_at_1280px(new_page, sign_in_as, department, framework):
    everything = make_person(
        roles=[Role.LEARNER, Role.TRAINING_LEAD, Role.DEPARTMENT_LEAD, Role.ADMINISTRATOR],
        department=department,
    )
    activate_totp(everything)
    make_person(line_manager=everything)
    page = new_page(width=1280)
    sign_in_as(page, everything)

    page.goto("/learning/")
    labels = [text.strip() for text in page.locator("#navigation a").all_inner_texts()]
    tops = page.evaluate(
        "[...document.querySelectorAll('#navigation > li')].map(item => item.offsetTop)"
    )
    account_tops = page.evaluate(
        "[...document.querySelectorAll('#account-navigation > li')].map(item => item.offsetTop)"
    )

    assert labels == [
        "Your learning",
        "Courses",
        "Assess your skills",
        "Your team",
        "Reports",
        "Content management",
    ]
    assert len(set(tops)) == 1
    assert len(account_tops) == 3
    assert len(set(account_tops)) == 1
    assert axe_violations(page) == []
