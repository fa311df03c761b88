"""Breadcrumbs carry GOV.UK Frontend's classes on every page that has them, so they are styled."""

import lxml.html
import pytest
from django.urls import reverse

from courses.models import LessonPage
from tests.factories import make_person


def breadcrumbs(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each breadcrumb list item's class, with the class and text of the links inside it."""
    [nav] = lxml.html.fromstring(html).xpath('//nav[@class="govuk-breadcrumbs"]')
    [trail] = nav.xpath("./ol")
    assert trail.get("class") == "govuk-breadcrumbs__list"
    return [
        (
            item.get("class"),
            [(link.get("class"), link.text_content()) for link in item.xpath("./a")],
        )
        for item in trail.xpath("./li")
    ]


@pytest.mark.django_db
def test_framework_page_breadcrumbs_use_the_design_system_classes(client, framework):
    html = client.get(reverse("framework", args=["mini"])).content.decode()

    assert breadcrumbs(html) == [
        ("govuk-breadcrumbs__list-item", [("govuk-breadcrumbs__link", "Frameworks")])
    ]


@pytest.mark.django_db
def test_competency_page_breadcrumbs_use_the_design_system_classes(client, framework):
    html = client.get(reverse("competency", args=["mini", "DA.1"])).content.decode()

    assert breadcrumbs(html) == [
        ("govuk-breadcrumbs__list-item", [("govuk-breadcrumbs__link", "Frameworks")]),
        ("govuk-breadcrumbs__list-item", [("govuk-breadcrumbs__link", "Mini framework")]),
    ]


@pytest.mark.django_db
def test_course_and_lesson_page_breadcrumbs_use_the_design_system_classes(client, course):
    client.force_login(make_person(email="reader@example.org"))
    client.post(reverse("enrol", args=[course.pk]))
    lesson = LessonPage.objects.live().order_by("path").first()

    course_html = client.get(course.url).content.decode()
    lesson_html = client.get(lesson.url).content.decode()

    assert breadcrumbs(course_html) == [
        ("govuk-breadcrumbs__list-item", [("govuk-breadcrumbs__link", "Courses")])
    ]
    assert [item for item, _ in breadcrumbs(lesson_html)] == ["govuk-breadcrumbs__list-item"] * 2
    assert breadcrumbs(lesson_html)[1][1] == [("govuk-breadcrumbs__link", course.title)]


@pytest.mark.django_db
def test_account_page_breadcrumbs_use_the_design_system_classes(client):
    client.force_login(make_person(email="reader@example.org"))

    html = client.get(reverse("account_email")).content.decode()

    assert breadcrumbs(html) == [
        ("govuk-breadcrumbs__list-item", [("govuk-breadcrumbs__link", "Home")]),
        ("govuk-breadcrumbs__list-item", [("govuk-breadcrumbs__link", "Your profile")]),
    ]
