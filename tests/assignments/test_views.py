"""The assignment pages: who may open them, the list and its aggregated progress, making an
assignment (by hand and from a skill gap), withdrawing one, and the learner's assigned work."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignments import gap as gaps
from assignments.models import AssignedPerson, Assignment, Audience
from assignments.services import assignment_create
from assignments.status import Status
from assignments.views import DETAIL_COLUMNS, LIST_COLUMNS, figures
from courses.services import enrolment_create
from tests.factories import make_person
from tests.html import heading, summary, table, texts, tree

SHARED = (
    "learner",
    "department_lead",
    "training_lead",
    "cto_office",
    "administrator",
    "other_department",
    "course",
)

NEXT_YEAR = timezone.localdate().year + 1
DUE = datetime.date(NEXT_YEAR, 3, 27)
DUE_TEXT = f"27 March {NEXT_YEAR}"
DUE_SHORT = f"27 Mar {NEXT_YEAR}"


def _colleagues(department, job_role, department_lead):
    """Six more people in CRS, so the department's figures pass the minimum group of five."""
    return [
        make_person(
            department=department,
            job_role=job_role,
            line_manager=department_lead,
            first_name="Colleague",
            last_name=f"Number{n}",
        )
        for n in range(6)
    ]


def _outsider(other_department):
    return make_person(department=other_department, first_name="Farah", last_name="Outside")


def _more_courses(framework, training_lead):
    from courses.loading import course_load
    from tests.courses.data import course_data, lesson

    small = [
        {"title": "Basics", "summary": "Basics.", "lessons": [lesson("Start", with_check=False)]}
    ]
    return [
        course_load(
            course_data(
                slug=slug,
                title=title,
                competency_targets=[{"code": "SP.1", "level": 1}],
                modules=small,
            ),
            owner=training_lead,
        )
        for slug, title in [("cyber-hygiene", "Cyber hygiene"), ("phishing", "Spotting phishing")]
    ]


def _programme(courses):
    from courses.loading import programme_load

    return programme_load(
        {
            "slug": "safe-with-data",
            "title": "Safe with data",
            "summary": "Handling data safely.",
            "courses": [{"slug": "data-basics"}, {"slug": courses[0].slug}],
        }
    )


@pytest.fixture(scope="module", autouse=True)
def cast(shared):
    """The module's own people and content, built once beside the shared fixtures."""
    courses = shared.build(_more_courses, shared.add("framework"), shared["training_lead"])
    return {
        "colleagues": shared.build(
            _colleagues,
            shared["department"],
            shared.add("job_role"),
            shared["department_lead"],
        ),
        "outsider": shared.build(_outsider, shared["other_department"]),
        "courses": courses,
        "programme": shared.build(_programme, courses),
    }


@pytest.fixture
def programme(cast):
    return type(cast["programme"]).objects.get(pk=cast["programme"].pk)


@pytest.fixture
def colleagues(cast):
    return [type(p).objects.get(pk=p.pk) for p in cast["colleagues"]]


@pytest.fixture
def outsider(cast):
    return type(cast["outsider"]).objects.get(pk=cast["outsider"].pk)


@pytest.fixture
def more_courses(cast):
    return [type(c).objects.get(pk=c.pk) for c in cast["courses"]]


def assign(by, item, audience, **fields):
    fields.setdefault("due_date", DUE)
    fields.setdefault("reason", "Everyone handles personal data.")
    return assignment_create(by=by, item=item, audience=audience, **fields)


def form_data(**changes):
    data = {
        "item": "",
        "audience": "",
        "person_email": "",
        "manager_email": "",
        "job_role": "",
        "job_role_department": "",
        "department": "",
        "due_date_day": "27",
        "due_date_month": "3",
        "due_date_year": str(NEXT_YEAR),
        "joiner_days": "30",
        "reason": "Everyone handles personal data.",
        "recurs_months": "",
    }
    data.update(changes)
    return data


def error_summary(response) -> list[str]:
    return texts(response.content, "//div[contains(@class, 'govuk-error-summary')]//li")


# -- Who may open the pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_people_who_do_not_assign_are_refused_and_visitors_sent_to_sign_in(
    client, learner, training_lead, course
):
    made = assign(training_lead, course, Audience.PERSON, person=learner)
    pages = [
        ("get", reverse("assignments")),
        ("get", reverse("assignment_new")),
        ("post", reverse("assignment_new")),
        ("get", reverse("assignment_new") + "?department=CRS&competency=DA.1"),
        ("get", reverse("assignment_detail", args=[made.pk])),
        ("get", reverse("assignment_withdraw", args=[made.pk])),
        ("post", reverse("assignment_withdraw", args=[made.pk])),
    ]

    anonymous = [getattr(client, method)(url) for method, url in pages]
    client.force_login(learner)
    refused = [getattr(client, method)(url).status_code for method, url in pages]

    assert [(r.status_code, r.url.split("?")[0]) for r in anonymous] == [
        (302, reverse("account_login"))
    ] * len(pages)
    assert refused == [403] * len(pages)
    assert Assignment.objects.get(pk=made.pk).withdrawn_at is None


@pytest.mark.django_db
def test_each_assigner_opens_every_page(client, people, learner, course, training_lead, department):
    made = assign(training_lead, course, Audience.DEPARTMENT, department=department)
    statuses = {}
    for role in ["training_lead", "department_lead", "cto_office", "administrator"]:
        client.force_login(people[role])
        statuses[role] = [
            client.get(url).status_code
            for url in [
                reverse("assignments"),
                reverse("assignment_new"),
                reverse("assignment_new") + "?department=CRS&competency=DA.1",
                reverse("assignment_detail", args=[made.pk]),
                reverse("assignment_withdraw", args=[made.pk]),
            ]
        ]

    assert statuses == dict.fromkeys(statuses, [200] * 5)


# -- The list ----------------------------------------------------------------------------------


HEADINGS = ["Course or programme", "Who", "Due", "Mandatory", *[c for c, _ in LIST_COLUMNS]]


@pytest.mark.django_db
def test_the_list_shows_each_assignment_newest_first_with_progress_in_aggregate(
    client, training_lead, learner, department, job_role, colleagues, course, more_courses
):
    enrolment_create(user=learner, course=course)
    by_department = assign(
        training_lead, course, Audience.DEPARTMENT, department=department, mandatory=True
    )
    assign(training_lead, more_courses[0], Audience.PERSON, person=learner)
    assign(
        training_lead,
        more_courses[1],
        Audience.JOB_ROLE,
        job_role=job_role,
        department=department,
    )
    client.force_login(training_lead)

    response = client.get(reverse("assignments"))

    # CRS holds the lead, the learner and six colleagues (all citizen service officers): eight
    # people, one in progress. One is fewer than five, and the seven not started would give it
    # away through the total, so both are hidden. One person is a group below five.
    assert heading(response.content) == "Assigned training"
    assert table(response.content) == [
        HEADINGS,
        [
            "Spotting phishing",
            "Citizen service officers in CRS",
            DUE_SHORT,
            "No",
            "8",
            "0",
            "0",
            "0",
        ],
        ["Cyber hygiene", str(learner), DUE_SHORT, "No", *["fewer than 5"] * 4],
        [
            "Data basics",
            "Everyone in Civil Registration and Citizen Services (CRS)",
            DUE_SHORT,
            "Yes",
            "not shown",
            "fewer than 5",
            "0",
            "0",
        ],
    ]
    assert by_department.pk in [a.pk for a in Assignment.objects.all()]
    html = response.content.decode()
    assert all(colleague.last_name not in html for colleague in colleagues)


@pytest.mark.django_db
def test_only_who_may_see_people_by_name_reads_whom_a_person_assignment_is_for(
    client, people, learner, course, programme
):
    made = assign(people["cto_office"], course, Audience.PERSON, person=learner)
    assign(people["administrator"], programme, Audience.PERSON, person=learner)
    who = {}
    for role in ["training_lead", "department_lead", "cto_office", "administrator"]:
        client.force_login(people[role])
        who[role] = [row[:2] for row in table(client.get(reverse("assignments")).content)[1:]]

    # The department lead is the learner's line manager; the CTO office made the first one.
    assert who == {
        "training_lead": [["Safe with data", str(learner)], ["Data basics", str(learner)]],
        "department_lead": [["Safe with data", str(learner)], ["Data basics", str(learner)]],
        "cto_office": [["Safe with data", "One person in CRS"], ["Data basics", str(learner)]],
        "administrator": [["Safe with data", str(learner)], ["Data basics", str(learner)]],
    }
    assert made.created_by == people["cto_office"]


@pytest.mark.django_db
def test_a_programme_is_assigned_to_a_job_role_in_every_department(
    client, training_lead, learner, job_role, programme
):
    client.force_login(training_lead)

    response = client.post(
        reverse("assignment_new"),
        form_data(item=str(programme.pk), audience="job_role", job_role=str(job_role.pk)),
        follow=True,
    )

    assert summary(response.content)["Who"] == "Citizen service officers in every department"
    assert Assignment.objects.get().item.specific == programme


@pytest.mark.django_db
def test_a_department_lead_lists_only_assignments_inside_their_department(
    client, department_lead, training_lead, department, other_department, outsider, course
):
    assign(training_lead, course, Audience.DEPARTMENT, department=other_department)
    assign(training_lead, course, Audience.EVERYONE)
    assign(department_lead, course, Audience.TEAM, team_manager=department_lead)
    client.force_login(department_lead)

    response = client.get(reverse("assignments"))

    assert [row[:2] for row in table(response.content)[1:]] == [
        ["Data basics", f"{department_lead}'s team"]
    ]


@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries_however_many_assignments(
    client, training_lead, learner, department, job_role, course, more_courses
):
    client.force_login(training_lead)
    assign(training_lead, course, Audience.PERSON, person=learner)
    client.get(reverse("assignments"))  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("assignments")).status_code == 200
    assign(training_lead, more_courses[0], Audience.DEPARTMENT, department=department)
    assign(training_lead, more_courses[1], Audience.JOB_ROLE, job_role=job_role)
    assign(training_lead, course, Audience.TEAM, team_manager=learner)
    assign(training_lead, more_courses[0], Audience.EVERYONE)

    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("assignments"))

    assert len(table(response.content)) == 6
    assert len(five) == len(one)


@pytest.mark.django_db
def test_the_list_is_paginated(client, training_lead, learner, course):
    for _ in range(26):
        Assignment.objects.create(
            item=course, audience=Audience.PERSON, person=learner, due_date=DUE, reason="R"
        )
    client.force_login(training_lead)

    first = client.get(reverse("assignments"))
    second = client.get(reverse("assignments") + "?page=2")

    assert [len(table(first.content)) - 1, len(table(second.content)) - 1] == [25, 1]
    assert texts(first.content, "//nav[contains(@class, 'govuk-pagination')]//a") == ["Next page"]
    assert texts(second.content, "//nav[contains(@class, 'govuk-pagination')]//a") == [
        "Previous page"
    ]


# -- Small groups ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        # Every figure large enough (or zero): all shown.
        ({Status.NOT_STARTED: 6, Status.DONE_ON_TIME: 5}, ["6", "0", "0", "5", "11"]),
        # One small figure: the smallest other one is hidden with it, or the total gives it away.
        (
            {Status.NOT_STARTED: 9, Status.IN_PROGRESS: 2, Status.DONE_LATE: 6},
            ["9", "fewer than 5", "0", "not shown", "17"],
        ),
        # Two small figures that make five together: nothing more to hide.
        (
            {Status.NOT_STARTED: 9, Status.IN_PROGRESS: 2, Status.OVERDUE: 3},
            ["9", "fewer than 5", "fewer than 5", "0", "14"],
        ),
        # Done on time is shown apart on the assignment's page, done late hidden there: the
        # list's "done" would give the late ones away, so it is hidden too.
        (
            {
                Status.NOT_STARTED: 3,
                Status.OVERDUE: 7,
                Status.DONE_ON_TIME: 6,
                Status.DONE_LATE: 2,
            },
            ["fewer than 5", "0", "7", "not shown", "18"],
        ),
        # An expired cycle counts as not started; the total below five hides everything.
        ({Status.EXPIRED: 1, Status.OVERDUE: 2}, ["fewer than 5"] * 5),
        ({}, ["0", "0", "0", "0", "0"]),
    ],
)
def test_figures_hide_small_groups_and_what_would_reveal_them(counts, shown):
    columns, total = figures(counts, LIST_COLUMNS, 5)

    assert [str(figure) for figure in [*columns, total]] == shown


def test_the_same_counts_on_the_assignments_page_hide_each_small_status():
    counts = {Status.NOT_STARTED: 3, Status.OVERDUE: 7, Status.DONE_ON_TIME: 6, Status.DONE_LATE: 2}

    columns, total = figures(counts, DETAIL_COLUMNS, 5)

    assert [str(figure) for figure in [*columns, total]] == [
        "fewer than 5",
        "0",
        "7",
        "6",
        "fewer than 5",
        "0",
        "18",
    ]


def test_the_detail_columns_cover_every_status_once():
    assert sorted(s for _, statuses in DETAIL_COLUMNS for s in statuses) == sorted(Status)


# -- Making an assignment ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_offers_what_each_assigner_may_choose(
    client, training_lead, department_lead, department, other_department, course, more_courses
):
    def choices(user):
        client.force_login(user)
        html = client.get(reverse("assignment_new")).content
        return {
            "item": texts(html, "//select[@name='item']//option"),
            "groups": [g.get("label") for g in tree(html).xpath("//select[@name='item']/optgroup")],
            "audience": texts(html, "//input[@name='audience']/following-sibling::label"),
            "department": texts(html, "//select[@name='department']/option"),
            "fields": texts(html, "//form//label"),
        }

    lead, anyone = choices(department_lead), choices(training_lead)

    items = [
        "Choose a course or programme",
        "Safe with data",
        "Cyber hygiene",
        "Data basics",
        "Spotting phishing",
    ]
    assert anyone["item"] == lead["item"] == items
    assert anyone["groups"] == ["Programmes", "Courses"]
    assert anyone["audience"] == [
        "One person",
        "A line manager's team",
        "Everyone in a job role",
        "Everyone in a department",
        "Everyone",
    ]
    assert lead["audience"] == [
        "One person",
        "Your team (the people who report to you)",
        "Everyone in a job role",
        "Everyone in a department",
    ]
    assert anyone["department"] == ["Choose a department", str(department), str(other_department)]
    assert lead["department"] == ["Choose a department", str(department)]
    assert "Email address of the line manager" not in lead["fields"]
    assert "Email address of the line manager" in anyone["fields"]


@pytest.mark.django_db
def test_an_assignment_is_made_and_shown_with_a_confirmation(
    client, training_lead, department, colleagues, course
):
    client.force_login(training_lead)

    response = client.post(
        reverse("assignment_new"),
        form_data(
            item=str(course.pk),
            audience="department",
            department=str(department.pk),
            mandatory="on",
            recurs_months="12",
        ),
        follow=True,
    )

    made = Assignment.objects.get()
    assert response.redirect_chain == [(reverse("assignment_detail", args=[made.pk]), 302)]
    assert texts(response.content, "//p[@class='govuk-notification-banner__heading']") == [
        "Data basics is assigned."
    ]
    assert summary(response.content) == {
        "Course or programme": "Data basics",
        "Who": "Everyone in Civil Registration and Citizen Services (CRS)",
        "Due": f"{DUE_TEXT}; people who join later, 30 days after joining",
        "Mandatory": "Yes",
        "Due again": "Every 12 months; a completion counts from 60 days before each due date",
        "Reason": "Everyone handles personal data.",
        "Assigned": timezone.localdate().strftime("%-d %B %Y"),
    }
    assert table(response.content, "Progress") == [
        ["Status", "People"],
        ["Not started", "8"],
        ["In progress", "0"],
        ["Overdue", "0"],
        ["Done on time", "0"],
        ["Done late", "0"],
        ["Expired", "0"],
        ["Total", "8"],
    ]
    assert (made.mandatory, made.recurs_months, made.created_by) == (True, 12, training_lead)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"item": ""}, ["Choose the course or programme to assign"]),
        ({"item": "999999"}, ["Choose one of the courses or programmes listed"]),
        ({"audience": ""}, ["Choose who must complete it"]),
        ({"audience": "people"}, ["Choose one of the audiences listed"]),
        ({"audience": "person"}, ["Enter the email address of the person"]),
        (
            {"audience": "person", "person_email": "nobody@example.org"},
            ["Nobody with the email address nobody@example.org uses the service"],
        ),
        ({"audience": "team"}, ["Enter the email address of the line manager"]),
        ({"audience": "job_role"}, ["Choose the job role"]),
        ({"audience": "department"}, ["Choose the department"]),
        ({"due_date_day": "", "due_date_month": "", "due_date_year": ""}, ["Enter the due date"]),
        ({"due_date_month": ""}, ["Due date must include a month"]),
        (
            {"due_date_day": "31", "due_date_month": "2"},
            ["Due date must be a real date, for example 27 3 2027"],
        ),
        (
            {"due_date_year": str(NEXT_YEAR - 2)},
            ["The due date must be today or in the future."],
        ),
        ({"reason": "  "}, ["Enter the reason the learners will see"]),
        ({"reason": "x" * 501}, ["The reason must be 500 characters or fewer"]),
        (
            {"joiner_days": "a month"},
            ["Enter the number of days a joiner has as a whole number, like 30"],
        ),
        ({"joiner_days": "0"}, ["A joiner needs at least 1 day"]),
        ({"recurs_months": "0"}, ["Training can be due again at most once a month"]),
    ],
)
@pytest.mark.django_db
def test_a_bad_submission_says_what_is_wrong_and_writes_nothing(
    client, training_lead, course, changes, errors
):
    client.force_login(training_lead)
    data = form_data(item=str(course.pk), audience="everyone")
    data.update(changes)

    response = client.post(reverse("assignment_new"), data)

    assert response.status_code == 400
    assert error_summary(response) == errors
    assert texts(response.content, "//title") == [
        "Error: Assign training \N{EN DASH} Digital Capacity Academy"
    ]
    assert (Assignment.objects.count(), AssignedPerson.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_each_error_links_to_the_box_it_is_about(client, training_lead):
    client.force_login(training_lead)

    response = client.post(
        reverse("assignment_new"), form_data(due_date_day="", due_date_month="", reason="")
    )

    page = tree(response.content)
    links = page.xpath("//div[contains(@class, 'govuk-error-summary')]//a/@href")
    assert links == ["#id_item", "#id_audience-0", "#id_due_date_0", "#id_reason"]
    assert [len(page.xpath(f"//*[@id='{link[1:]}']")) for link in links] == [1, 1, 1, 1]
    assert page.xpath("//input[contains(@class, 'govuk-input--error')]/@name") == [
        "due_date_day",
        "due_date_month",
        "due_date_year",
    ]


@pytest.mark.django_db
def test_a_department_lead_cannot_assign_outside_their_department(
    client, department_lead, other_department, outsider, course, job_role
):
    client.force_login(department_lead)
    attempts = [
        form_data(item=str(course.pk), audience="department", department=str(other_department.pk)),
        form_data(
            item=str(course.pk),
            audience="job_role",
            job_role=str(job_role.pk),
            job_role_department=str(other_department.pk),
        ),
        form_data(item=str(course.pk), audience="job_role", job_role=str(job_role.pk)),
        form_data(item=str(course.pk), audience="everyone"),
        form_data(item=str(course.pk), audience="person", person_email=outsider.email),
    ]

    answers = [client.post(reverse("assignment_new"), data) for data in attempts]

    assert [(a.status_code, error_summary(a)) for a in answers] == [
        (400, ["Choose one of the departments listed"]),
        (400, ["Choose one of the departments listed"]),
        (400, ["Choose the department"]),
        (400, ["Choose one of the audiences listed"]),
        (403, ["You can only assign training to people in the departments you lead."]),
    ]
    assert (Assignment.objects.count(), AssignedPerson.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_department_lead_assigns_to_their_own_team_and_a_person_in_their_department(
    client, department_lead, learner, colleagues, course, more_courses
):
    client.force_login(department_lead)

    team = client.post(reverse("assignment_new"), form_data(item=str(course.pk), audience="team"))
    person = client.post(
        reverse("assignment_new"),
        form_data(item=str(more_courses[0].pk), audience="person", person_email=learner.email),
    )

    assert [team.status_code, person.status_code] == [302, 302]
    assert sorted(
        (a.item.title, a.audience, a.people.count()) for a in Assignment.objects.all()
    ) == [("Cyber hygiene", "person", 1), ("Data basics", "team", 7)]


# -- From a skill gap --------------------------------------------------------------------------


GAP_URL = reverse("assignment_new") + "?department=CRS&competency=SP.1"


@pytest.fixture
def below_target(monkeypatch):
    """Set the resolver analytics provides, returning the given people."""

    def use(people):
        monkeypatch.setattr(gaps, "below_target_resolver", lambda d, c: [p.pk for p in people])

    return use


@pytest.mark.django_db
def test_the_gap_form_shows_how_many_are_below_target_but_not_who(
    client, department_lead, learner, colleagues, course, more_courses, below_target
):
    below_target([learner, *colleagues[:5]])
    client.force_login(department_lead)

    html = client.get(GAP_URL).content

    assert heading(html) == "Assign courses for Cyber hygiene (SP.1) in CRS"
    assert texts(html, "//p[@id='gap-people']") == [
        "6 people in Civil Registration and Citizen Services (CRS) are below the target their "
        "job role sets for Cyber hygiene. The service chooses them from their skill levels; "
        "their names are not shown."
    ]
    # Every course that builds the competency, each ticked.
    assert [
        (label, checked)
        for label, checked in zip(
            texts(html, "//input[@name='courses']/following-sibling::label"),
            [bool(i.get("checked") is not None) for i in _inputs(html, "courses")],
            strict=True,
        )
    ] == [("Cyber hygiene", True), ("Data basics", True), ("Spotting phishing", True)]
    text = html.decode()
    assert all(p.last_name not in text and p.email not in text for p in [learner, *colleagues])


def _inputs(html, name):
    return tree(html).xpath(f"//input[@name='{name}']")


@pytest.mark.django_db
def test_a_small_gap_says_fewer_than_the_minimum_and_can_still_be_assigned(
    client, training_lead, learner, colleagues, course, more_courses, below_target
):
    below_target([learner, colleagues[0]])
    client.force_login(training_lead)

    shown = client.get(GAP_URL)
    made = client.post(
        GAP_URL,
        {
            "courses": [str(more_courses[0].pk)],
            "due_date_day": "27",
            "due_date_month": "3",
            "due_date_year": str(NEXT_YEAR),
            "reason": "To reach the level your role needs.",
        },
        follow=True,
    )

    assert texts(shown.content, "//p[@id='gap-people']")[0].startswith(
        "Fewer than 5 people in Civil Registration and Citizen Services (CRS) are below"
    )
    assignment = Assignment.objects.get()
    assert made.redirect_chain == [(reverse("assignment_detail", args=[assignment.pk]), 302)]
    assert summary(made.content)["Who"] == (
        "fewer than 5 selected people: those in CRS below target for SP.1"
    )
    assert (
        assignment.audience,
        assignment.source,
        sorted(assignment.people.values_list("user_id", flat=True)),
    ) == (
        Audience.PEOPLE,
        {"department": "CRS", "competency": "SP.1"},
        sorted([learner.pk, colleagues[0].pk]),
    )


@pytest.mark.django_db
def test_confirming_a_gap_makes_one_assignment_per_course_chosen(
    client, department_lead, learner, colleagues, course, more_courses, below_target
):
    below_target([learner, *colleagues])
    client.force_login(department_lead)

    response = client.post(
        GAP_URL,
        {
            "courses": [str(course.pk), str(more_courses[1].pk)],
            "due_date_day": "27",
            "due_date_month": "3",
            "due_date_year": str(NEXT_YEAR),
            "mandatory": "on",
            "reason": "To reach the level your role needs.",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("assignments"), 302)]
    assert texts(response.content, "//p[@class='govuk-notification-banner__heading']") == [
        "Assigned: Data basics, Spotting phishing."
    ]
    assert sorted(
        (a.item.title, a.audience, a.mandatory, a.source, a.people.count())
        for a in Assignment.objects.all()
    ) == [
        ("Data basics", "people", True, {"department": "CRS", "competency": "SP.1"}, 7),
        ("Spotting phishing", "people", True, {"department": "CRS", "competency": "SP.1"}, 7),
    ]


@pytest.mark.django_db
def test_a_bad_gap_submission_writes_nothing(
    client, training_lead, learner, colleagues, course, below_target
):
    below_target([learner, *colleagues])
    client.force_login(training_lead)

    response = client.post(
        GAP_URL,
        {"courses": [], "due_date_day": "31", "due_date_month": "2", "reason": ""},
    )

    assert response.status_code == 400
    assert error_summary(response) == [
        "Choose at least one course to assign",
        "Due date must include a year",
        "Enter the reason the learners will see",
    ]
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_a_gap_outside_the_leads_department_or_unknown_is_refused(
    client, department_lead, outsider, course, below_target
):
    below_target([outsider])
    client.force_login(department_lead)
    data = {"courses": [str(course.pk)], "reason": "R", "due_date_day": "1"}

    answers = [
        client.get(reverse("assignment_new") + "?department=FIN&competency=SP.1").status_code,
        client.post(
            reverse("assignment_new") + "?department=FIN&competency=SP.1", data
        ).status_code,
        client.get(reverse("assignment_new") + "?department=CRS&competency=ZZ.9").status_code,
        client.get(reverse("assignment_new") + "?department=NOPE&competency=SP.1").status_code,
    ]

    assert answers == [403, 403, 404, 404]
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_a_gap_without_levels_or_people_offers_nothing_to_confirm(
    client, training_lead, course, below_target, monkeypatch
):
    client.force_login(training_lead)
    monkeypatch.setattr(gaps, "below_target_resolver", None)
    unresolved = client.get(GAP_URL).content
    below_target([])
    nobody = client.get(GAP_URL).content

    assert texts(unresolved, "//p[@id='gap-people']")[0].startswith(
        "Skill levels are not available yet"
    )
    assert texts(nobody, "//p[@id='gap-people']") == [
        "Nobody in Civil Registration and Citizen Services (CRS) is below the target their job "
        "role sets for Cyber hygiene."
    ]
    assert texts(unresolved, "//main//form//button") == texts(nobody, "//main//form//button") == []


# -- One assignment ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_withdrawing_asks_first_then_removes_unfinished_rows(
    client, training_lead, learner, colleagues, department, course
):
    made = assign(training_lead, course, Audience.DEPARTMENT, department=department)
    client.force_login(training_lead)

    confirm = client.get(reverse("assignment_withdraw", args=[made.pk]))
    response = client.post(reverse("assignment_withdraw", args=[made.pk]), follow=True)
    again = client.post(reverse("assignment_withdraw", args=[made.pk]), follow=True)

    assert heading(confirm.content) == "Withdraw Data basics?"
    assert texts(response.content, "//p[@class='govuk-notification-banner__heading']") == [
        "Data basics is no longer assigned."
    ]
    assert summary(response.content)["Withdrawn"] == timezone.localdate().strftime("%-d %B %Y")
    assert texts(response.content, "//a[contains(@class, 'govuk-button--warning')]") == []
    assert error_summary(again) == []
    assert texts(again.content, "//div[contains(@class, 'govuk-error-summary')]//p") == [
        "This assignment has already been withdrawn."
    ]
    assert AssignedPerson.objects.filter(assignment=made, removed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_a_department_lead_cannot_open_or_withdraw_an_assignment_outside_their_department(
    client, department_lead, training_lead, other_department, outsider, course
):
    made = assign(training_lead, course, Audience.DEPARTMENT, department=other_department)
    client.force_login(department_lead)

    answers = [
        client.get(reverse("assignment_detail", args=[made.pk])).status_code,
        client.get(reverse("assignment_withdraw", args=[made.pk])).status_code,
        client.post(reverse("assignment_withdraw", args=[made.pk])).status_code,
    ]

    assert answers == [404, 404, 404]
    assert Assignment.objects.get(pk=made.pk).withdrawn_at is None


# -- The learner's assigned work ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_lists_the_learners_own_assigned_work_first(
    client, training_lead, learner, colleagues, department, course, more_courses
):
    assign(
        training_lead,
        course,
        Audience.DEPARTMENT,
        department=department,
        mandatory=True,
        reason="Everyone in CRS handles personal data.",
        due_date=timezone.localdate() - datetime.timedelta(days=0),
    )
    assign(training_lead, more_courses[0], Audience.PERSON, person=colleagues[0])
    # Someone else's progress never shows on the learner's page.
    enrolment_create(user=colleagues[1], course=course)
    client.force_login(learner)

    html = client.get(reverse("dashboard")).content

    assert texts(html, "//main//h2")[0] == "Assigned to you"
    assert texts(html, "//li[starts-with(@id, 'assigned-')]") == [
        f"Data basics Not started Mandatory, due {timezone.localdate().strftime('%-d %B %Y')}. "
        "Everyone in CRS handles personal data."
    ]


@pytest.mark.django_db
def test_the_dashboard_shows_each_status_and_reads_a_fixed_number_of_queries(
    client, training_lead, learner, course, more_courses
):
    client.force_login(learner)
    enrolment_create(user=learner, course=more_courses[0])
    assign(training_lead, course, Audience.PERSON, person=learner, reason="One.")
    client.get(reverse("dashboard"))  # the first request fills per-process caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))
    assign(training_lead, more_courses[0], Audience.PERSON, person=learner, reason="Two.")
    assign(training_lead, more_courses[1], Audience.PERSON, person=learner, reason="Three.")
    AssignedPerson.objects.filter(assignment__item=more_courses[1]).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )

    with CaptureQueriesContext(connection) as three:
        html = client.get(reverse("dashboard")).content

    assert [text.split(",")[0] for text in texts(html, "//li[starts-with(@id, 'assigned-')]")] == [
        "Spotting phishing Overdue Optional",
        "Data basics Not started Optional",
        "Cyber hygiene In progress Optional",
    ]
    assert len(three) == len(one)


@pytest.mark.django_db
def test_a_learner_with_nothing_assigned_sees_no_assigned_panel(client, learner):
    client.force_login(learner)

    html = client.get(reverse("dashboard")).content

    assert texts(html, "//main//h2")[0] == "In progress"


@pytest.mark.django_db
def test_assigners_find_assign_training_among_their_reports(client, people):
    found = {}
    for role in ["learner", "training_lead", "department_lead", "cto_office", "administrator"]:
        client.force_login(people[role])
        reports = client.get(reverse("reports")).context["reports"]
        found[role] = [r.url for r in reports if r.title == "Assign training"]

    assert found == {
        "learner": [],
        "training_lead": ["/assignments/"],
        "department_lead": ["/assignments/"],
        "cto_office": ["/assignments/"],
        "administrator": ["/assignments/"],
    }
