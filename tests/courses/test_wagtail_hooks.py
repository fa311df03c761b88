"""The CMS's "Your courses" page: each author's courses with their figures."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.loading import course_load
from tests.courses.data import course_data
from tests.courses.test_reports import enrol
from tests.factories import make_person
from tests.html import texts

pytestmark = pytest.mark.django_db

REPORT = "/cms/your-courses/"


def cells(html: str) -> list[list[str]]:
    """The report table's body rows as lists of cell texts."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)[1]
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# The people and the courses are built once for the module; each test runs in a savepoint inside
# its transaction (tests/conftest.py).
SHARED = ("administrator", "course")


@pytest.fixture(scope="module", autouse=True)
def colleagues_course(shared):
    colleague = shared.build(make_person, first_name="Grace", last_name="Mwangi")
    data = course_data(slug="security-habits", title="Security habits")
    return shared.build(course_load, data, owner=colleague)


@pytest.fixture
def two_authors(shared, colleagues_course, course, training_lead):
    enrol(course, completed=True, attempts=[True])
    enrol(course, attempts=[False, True])
    enrol(course, attempts=[False])
    other = shared.fresh(colleagues_course)
    enrol(other)
    return course, other


def test_training_lead_sees_their_own_courses_with_figures(client, training_lead, two_authors):
    client.force_login(training_lead)

    response = client.get(REPORT)

    assert response.status_code == 200
    assert texts(response.content, "//h1") == ["Your courses"]
    assert cells(response.content.decode()) == [
        ["Data basics", "Live", "3", "1", "33%", "4", "50%", "33%", "Learners of Data basics"],
    ]


def test_administrator_sees_every_course_and_its_owner(
    client, administrator, training_lead, two_authors
):
    client.force_login(administrator)

    html = client.get(REPORT).content.decode()

    assert texts(html, "//h1") == ["All courses"]
    assert [row[:4] for row in cells(html)] == [
        ["Data basics", "Live", training_lead.get_full_name(), "3"],
        ["Security habits", "Live", "Grace Mwangi", "1"],
    ]


def test_menu_shows_your_courses_to_training_leads(client, training_lead):
    client.force_login(training_lead)

    assert REPORT in client.get("/cms/").content.decode()


def test_report_page_queries_do_not_grow_with_the_number_of_courses(client, training_lead, course):
    enrol(course, completed=True, attempts=[True])
    client.force_login(training_lead)
    client.get(REPORT)  # warm caches (content types, site root paths)

    with CaptureQueriesContext(connection) as one_course:
        client.get(REPORT)
    for n in range(4):
        extra = course_load(course_data(slug=f"extra-{n}", title=f"Extra {n}"), owner=training_lead)
        enrol(extra, attempts=[False, True])
    with CaptureQueriesContext(connection) as five_courses:
        response = client.get(REPORT)

    assert len(cells(response.content.decode())) == 5
    assert len(five_courses) == len(one_course)
