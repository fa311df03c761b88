"""The service menu for each role: at most six entries, each with its own meaning, and every
page a role could reach before still reachable from the menu or the reports list."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from accounts.roles import Role
from tests.factories import make_person
from tests.mfa import activate_totp

LEARNING = ["Your learning", "Courses", "Assess your skills"]


def menu(client, user, path="/learning/"):
    client.force_login(user)
    response = client.get(path)
    return (
        [item.label for item in response.context["navigation"]],
        [item.label for item in response.context["account_navigation"]],
    )


@pytest.mark.django_db
def test_each_role_has_a_short_menu_and_its_profile_in_the_account_area(client, people, learner):
    # The CTO office fixture manages nobody; give it a direct report as the demo's CTO has.
    make_person(line_manager=people["cto_office"])
    menus = {
        role: menu(client, people[role])
        for role in ["learner", "training_lead", "department_lead", "cto_office", "administrator"]
    }

    assert menus == {
        "learner": (LEARNING, ["Your profile"]),
        "training_lead": ([*LEARNING, "Reports", "Content management"], ["Your profile"]),
        "department_lead": ([*LEARNING, "Your team", "Reports"], ["Your profile"]),
        "cto_office": ([*LEARNING, "Your team", "Reports"], ["Your profile"]),
        "administrator": ([*LEARNING, "Reports", "Content management"], ["Your profile"]),
    }


@pytest.mark.django_db
def test_the_role_with_most_entries_has_six(client, department):
    everything = make_person(
        roles=[Role.LEARNER, Role.TRAINING_LEAD, Role.DEPARTMENT_LEAD, Role.ADMINISTRATOR],
        department=department,
    )
    activate_totp(everything)  # administrators must use two-factor authentication
    make_person(line_manager=everything)

    assert menu(client, everything)[0] == [
        *LEARNING,
        "Your team",
        "Reports",
        "Content management",
    ]


def report_titles(client, user):
    client.force_login(user)
    response = client.get(reverse("reports"))
    assert response.status_code == 200
    return [(report.title, report.url) for report in response.context["reports"]]


@pytest.mark.django_db
def test_reports_lists_every_report_each_role_may_open(client, people):
    assert report_titles(client, people["department_lead"]) == [
        ("Your department's skills", "/reports/department/"),
        ("People in your department", "/department/"),
        ("Assign training", "/assignments/"),
        ("Your department's mandatory training", "/reports/department/compliance/"),
        ("Your team's mandatory training", "/team/compliance/"),
        ("Your skills report", "/reports/me/"),
    ]
    assert report_titles(client, people["cto_office"]) == [
        ("Skills across the organisation", "/reports/"),
        ("Staff using the service, by department", "/departments/"),
        ("Assign training", "/assignments/"),
        ("Mandatory training across the organisation", "/reports/compliance/"),
        ("Your skills report", "/reports/me/"),
    ]
    assert report_titles(client, people["administrator"]) == [
        ("Skills across the organisation", "/reports/"),
        ("Staff using the service, by department", "/departments/"),
        ("People in your department", "/department/"),
        ("Assign training", "/assignments/"),
        ("Mandatory training across the organisation", "/reports/compliance/"),
        ("Your skills report", "/reports/me/"),
    ]
    assert report_titles(client, people["training_lead"]) == [
        ("Assign training", "/assignments/"),
        ("Your skills report", "/reports/me/"),
    ]
    assert report_titles(client, people["learner"]) == [("Your skills report", "/reports/me/")]


@pytest.mark.django_db
def test_every_listed_report_opens(client, people, framework):
    for role in ["learner", "training_lead", "department_lead", "cto_office", "administrator"]:
        for _title, url in report_titles(client, people[role]):
            assert client.get(url, follow=True).status_code == 200, (role, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/reports/list/", "Reports"),
        ("/reports/", "Reports"),
        ("/reports/departments/CRS/", "Reports"),
        ("/departments/", "Reports"),
        ("/department/", "Reports"),
        ("/assignments/new/", "Reports"),
        ("/learning/skills/", "Your learning"),
        ("/courses/", "Courses"),
    ],
)
def test_the_menu_marks_the_section_a_page_belongs_to(client, administrator, path, current):
    client.force_login(administrator)
    response = client.get(path, follow=True)

    assert [item.label for item in response.context["navigation"] if item.current] == [current]


@pytest.mark.django_db
def test_the_account_area_is_current_on_account_pages(client, learner):
    client.force_login(learner)

    for path in ["/profile/", "/accounts/email/"]:
        response = client.get(path)
        assert [item.current for item in response.context["account_navigation"]] == [True]
        assert b'id="account-navigation"' in response.content


@pytest.mark.django_db
def test_anonymous_people_see_public_pages_and_sign_in_in_the_account_area(client):
    response = client.get("/courses/")

    assert [item.label for item in response.context["navigation"]] == [
        "Home",
        "Courses",
        "Frameworks",
    ]
    assert response.context["account_navigation"] == []
    html = response.content.decode()
    account_area = html[html.index('id="account-navigation"') : html.index("</nav>")]
    assert "Sign in" in account_area
    assert "Create an account" in account_area


def render(source: str) -> str:
    return Template("{% load tables %}" + source).render(Context())


def test_scroll_table_labels_its_region_with_the_caption():
    html = render(
        '{% scroll_table %}<table><caption id="c1">Gaps</caption></table>{% endscroll_table %}'
    )

    assert html == (
        '<div class="app-table-scroll" role="region" aria-labelledby="c1" tabindex="0">'
        '<table><caption id="c1">Gaps</caption></table></div>'
    )


def test_scroll_table_gives_a_caption_without_id_a_unique_one():
    html = render(
        '{% scroll_table %}<table><caption class="x">A</caption></table>{% endscroll_table %}'
        "{% scroll_table %}<table><caption>B</caption></table>{% endscroll_table %}"
    )

    assert html == (
        '<div class="app-table-scroll" role="region" aria-labelledby="table-caption-1"'
        ' tabindex="0"><table><caption id="table-caption-1" class="x">A</caption></table></div>'
        '<div class="app-table-scroll" role="region" aria-labelledby="table-caption-2"'
        ' tabindex="0"><table><caption id="table-caption-2">B</caption></table></div>'
    )


def test_scroll_table_refuses_a_table_without_caption():
    with pytest.raises(TemplateSyntaxError):
        render("{% scroll_table %}<table></table>{% endscroll_table %}")


@pytest.mark.django_db
def test_the_department_pages_are_headed_as_the_reports_list_names_them(client, administrator):
    client.force_login(administrator)
    headings = {}
    for title, url in report_titles(client, administrator):
        if url in ("/departments/", "/department/"):
            html = client.get(url).content.decode()
            headings[title] = html.split('<h1 class="govuk-heading-l">')[1].split("</h1>")[0]

    assert headings == {
        "Staff using the service, by department": "Staff using the service, by department",
        "People in your department": "People in your department",
    }
