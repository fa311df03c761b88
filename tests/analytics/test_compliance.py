"""Compliance with mandatory training on the hand-worked organisation: the CTO office's table
by department with small groups hidden (and enough others that no total gives them away), a
department lead's own departments from the same protected table, a line manager's team by
name, the downloads and the report pack, refusals, and constant queries."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from analytics.exports.compliance_pack import pack_compliance
from analytics.reports.selectors import department_report
from assignments import gap
from assignments.models import AssignedPerson, Assignment, Audience
from courses.loading import course_load
from courses.models import Enrolment
from organisations.services import membership_set
from tests.analytics.scenario import THRESHOLD
from tests.courses.data import course_data
from tests.factories import DepartmentFactory, make_person
from tests.html import table, text_of, texts, tree

PAST, FUTURE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC), datetime(2099, 6, 30, 9, 0, tzinfo=UTC)
HEADER = [
    "Department",
    "People",
    "Done on time",
    "Done late",
    "Overdue",
    "In progress",
    "Not started",
    "Expired",
]
HIDDEN = ["Hidden"] * 7
CRS, FIN, TRN = (
    "Civil Registration and Citizen Services",
    "Finance, Revenue and Procurement",
    "Transport and Mobility",
)


def at(day: int) -> datetime:
    return datetime(2026, 10, day, 9, 0, tzinfo=UTC)


def _assignments(organisation) -> dict:
    """Mandatory training over the 30 people (see the module's expected tables)."""
    people = organisation.people
    course = course_load(course_data(), owner=organisation.cto)
    # An enrolment makes someone "in progress" until their due date passes.
    for key in ("o7", "o8", "a1"):
        Enrolment.objects.create(user=people[key], course=course)

    def assignment(title: str, **fields) -> Assignment:
        values = {
            "item": course,
            "audience": Audience.EVERYONE,
            "due_date": FUTURE.date(),
            "reason": title,
            "mandatory": True,
        }
        return Assignment.objects.create(**{**values, **fields})

    def assign(made: Assignment, key: str, due: datetime, completed=None, **fields):
        AssignedPerson.objects.create(
            assignment=made,
            user=people[key],
            assigned_at=at(1),
            due_at=due,
            completed_at=completed,
            **fields,
        )

    everyone = assignment("Everyone", due_date=PAST.date())
    for key in ("o1", "o2", "o3"):
        assign(everyone, key, PAST, at(20))
    # o1 is on a second cycle: the first is history and counts nowhere.
    AssignedPerson.objects.filter(assignment=everyone, user=people["o1"]).update(cycle=2)
    assign(everyone, "o1", at(5), at(2), cycle=1)
    assign(everyone, "o4", PAST, datetime(2026, 11, 5, tzinfo=UTC))
    for key in ("o5", "o6"):
        assign(everyone, key, PAST)
    for key in ("o7", "o8", "a1", "a2", "a3", "a4", "a5", "a6"):
        assign(everyone, key, FUTURE)
    for key in ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "fa1", "fa2", "t1", "t2", "t3"):
        assign(everyone, key, FUTURE)
    # ta1 left the audience: removed rows count nowhere.
    assign(everyone, "ta1", FUTURE, removed_at=at(9))

    analysts = assignment(
        "Analysts", audience=Audience.JOB_ROLE, job_role=organisation.roles["analyst"]
    )
    for key in ("a1", "a2", "a3", "a4", "a5", "a6", "fa1", "fa2"):
        assign(analysts, key, FUTURE)

    transport = assignment("Transport", due_date=datetime(2099, 1, 31).date())
    for key in ("t1", "t2", "t3"):
        assign(transport, key, datetime(2099, 1, 31, tzinfo=UTC))

    optional = assignment("Optional", mandatory=False)
    withdrawn = assignment("Withdrawn", withdrawn_at=at(2))
    for key in ("t1", "ta2", "o1"):
        assign(optional, key, FUTURE)
        assign(withdrawn, key, FUTURE)
    return {
        "course": course,
        "everyone": everyone,
        "analysts": analysts,
        "transport": transport,
        "training_lead": make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD]),
    }


@pytest.fixture(scope="module")
def training_once(organisation_once, django_db_blocker):
    """Built inside the organisation's module transaction, undone with it."""
    from django.test import override_settings

    from tests.module_data import check_constraints_once

    with django_db_blocker.unblock(), override_settings(COMPETENCY_PRIMARY_FRAMEWORK="mini"):
        made = _assignments(organisation_once)
        check_constraints_once()
    return made


@pytest.fixture
def training(training_once, shared_organisation, settings):
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    return training_once


def tables(html: bytes) -> dict[str, list[list[str]]]:
    return {caption: table(html, caption) for caption in texts(html, "//table/caption")}


EVERYONE = "Data basics, due 1 Nov 2026"
ANALYSTS = "Data basics, due 30 Jun 2099"
TRANSPORT = "Data basics, due 31 Jan 2099"


@pytest.mark.django_db
def test_cto_office_sees_each_mandatory_assignment_by_department(
    client, training, shared_organisation
):
    client.force_login(shared_organisation.cto)

    response = client.get("/reports/compliance/")

    assert tables(response.content) == {
        # FIN's 10 people would be shown, but TRN's 3 alone would then be the total minus
        # CRS and FIN: FIN is hidden with them.
        EVERYONE: [
            HEADER,
            [CRS, "14", "3", "1", "2", "3", "5", "0"],
            [FIN, *HIDDEN],
            [TRN, *HIDDEN],
            ["All departments", "27", "3", "1", "2", "3", "18", "0"],
        ],
        # TRN's 3 people are the only ones: their row and the total are hidden.
        TRANSPORT: [HEADER, [TRN, *HIDDEN], ["All departments", *HIDDEN]],
        # FIN's 2 analysts are hidden, so CRS's 6 are too; the 8 together are shown.
        ANALYSTS: [
            HEADER,
            [CRS, *HIDDEN],
            [FIN, *HIDDEN],
            ["All departments", "8", "0", "0", "0", "1", "7", "0"],
        ],
    }

    assert texts(response.content, "//table/caption") == [EVERYONE, TRANSPORT, ANALYSTS]


@pytest.mark.django_db
def test_downloads_hold_the_page_figures(client, training, shared_organisation):
    client.force_login(shared_organisation.cto)

    shown = tables(client.get("/reports/compliance/").content)
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/reports/compliance/export.csv").content.decode("utf-8-sig"))
        )
    )
    book = load_workbook(io.BytesIO(client.get("/reports/compliance/export.xlsx").content))
    xlsx_rows = [[str(v) for v in row] for row in book.active.iter_rows(values_only=True)]

    expected = [["Assignment", "Due", *HEADER]] + [
        ["Data basics", caption.split("due ")[1], *row]
        for caption, rows in shown.items()
        for row in rows[1:]
    ]
    assert csv_rows == expected
    assert xlsx_rows == expected
    assert client.get("/reports/compliance/export.pdf").status_code == 404


@pytest.mark.django_db
def test_department_leads_see_their_own_departments_as_the_organisation_does(
    client, training, shared_organisation
):
    def shown(code: str) -> dict:
        client.force_login(shared_organisation.managers[code])
        return tables(client.get("/reports/department/compliance/").content)

    assert shown("CRS") == {
        EVERYONE: [HEADER, [CRS, "14", "3", "1", "2", "3", "5", "0"]],
        # Hidden here too: the organisation's table hides it to protect FIN's analysts.
        ANALYSTS: [HEADER, [CRS, *HIDDEN]],
    }
    assert shown("FIN") == {
        EVERYONE: [HEADER, [FIN, *HIDDEN]],
        ANALYSTS: [HEADER, [FIN, *HIDDEN]],
    }
    assert shown("TRN") == {
        EVERYONE: [HEADER, [TRN, *HIDDEN]],
        TRANSPORT: [HEADER, [TRN, *HIDDEN]],
    }


@pytest.mark.django_db
def test_a_sub_department_is_part_of_its_lead_s_departments(client, training, shared_organisation):
    north = DepartmentFactory(
        code="CRS-N", name="CRS North", parent=shared_organisation.departments["CRS"]
    )
    for _ in range(5):
        person = make_person(department=north)
        AssignedPerson.objects.create(
            assignment=training["everyone"], user=person, assigned_at=at(1), due_at=FUTURE
        )
    client.force_login(shared_organisation.managers["CRS"])
    mine = tables(client.get("/reports/department/compliance/").content)
    client.force_login(shared_organisation.cto)
    everyone = tables(client.get("/reports/compliance/").content)

    # CRS North's 5 people are now the smallest group shown beside TRN's 3: they are hidden
    # with them, and FIN's 10 are shown.
    assert everyone[EVERYONE] == [
        HEADER,
        [CRS, "14", "3", "1", "2", "3", "5", "0"],
        ["CRS North", *HIDDEN],
        [FIN, "10", "0", "0", "0", "0", "10", "0"],
        [TRN, *HIDDEN],
        ["All departments", "32", "3", "1", "2", "3", "23", "0"],
    ]
    assert mine[EVERYONE] == [HEADER, everyone[EVERYONE][1], ["CRS North", *HIDDEN]]


@pytest.mark.django_db
def test_line_managers_see_their_team_by_name(client, training, shared_organisation):
    client.force_login(shared_organisation.managers["TRN"])

    response = client.get("/team/compliance/")

    assert table(response.content, "Mandatory training of your direct reports") == [
        ["Person", "Training", "Due", "Status"],
        ["Person T1, Citizen service officer", "Data basics", "31 Jan 2099", "Not started"],
        ["Person T1, Citizen service officer", "Data basics", "30 Jun 2099", "Not started"],
        ["Person T2, Citizen service officer", "Data basics", "31 Jan 2099", "Not started"],
        ["Person T2, Citizen service officer", "Data basics", "30 Jun 2099", "Not started"],
        ["Person T3, Citizen service officer", "Data basics", "31 Jan 2099", "Not started"],
        ["Person T3, Citizen service officer", "Data basics", "30 Jun 2099", "Not started"],
        ["Person TA1, Data analyst", "No mandatory training assigned"],
        ["Person TA2, Data analyst", "No mandatory training assigned"],
        ["Person TA3, Data analyst", "No mandatory training assigned"],
    ]


@pytest.mark.django_db
def test_someone_with_no_team_is_told_so(client, training, shared_organisation):
    client.force_login(shared_organisation.people["o1"])

    response = client.get("/team/compliance/")

    assert texts(response.content, "//p[@id='no-team']") == [
        "Nobody has you recorded as their line manager."
    ]


@pytest.mark.django_db
def test_only_their_readers_open_the_compliance_pages(
    client, training, shared_organisation, administrator
):
    def status(user, path: str) -> int:
        client.force_login(user)
        return client.get(path).status_code

    readers = {
        "cto office": shared_organisation.cto,
        "administrator": administrator,
        "department lead": shared_organisation.managers["CRS"],
        "training lead": training["training_lead"],
        "learner": shared_organisation.people["o1"],
    }
    paths = [
        "/reports/compliance/",
        "/reports/compliance/export.csv",
        "/reports/department/compliance/",
        "/team/compliance/",
    ]

    assert {who: [status(user, path) for path in paths] for who, user in readers.items()} == {
        # Readers of every department are sent from "your departments" to the whole table.
        "cto office": [200, 200, 302, 200],
        "administrator": [200, 200, 302, 200],
        "department lead": [403, 403, 200, 200],
        "training lead": [403, 403, 403, 200],
        "learner": [403, 403, 403, 200],
    }
    client.logout()
    assert [client.get(path).status_code for path in paths] == [302, 302, 302, 302]


@pytest.mark.django_db
def test_pages_cost_the_same_queries_however_many_people_and_departments(
    client, training, shared_organisation
):
    pages = {
        shared_organisation.cto: "/reports/compliance/",
        shared_organisation.managers["CRS"]: "/reports/department/compliance/",
        shared_organisation.managers["TRN"]: "/team/compliance/",
    }

    def queries() -> list[int]:
        counted = []
        for user, path in pages.items():
            client.force_login(user)
            client.get(path)
            with CaptureQueriesContext(connection) as context:
                assert client.get(path).status_code == 200
            counted.append(len(context.captured_queries))
        return counted

    before = queries()
    for code in ("HSS", "EDU"):
        department = DepartmentFactory(code=code, name=f"Department {code}")
        for _ in range(6):
            person = make_person(
                department=department, line_manager=shared_organisation.managers["TRN"]
            )
            for made in (training["everyone"], training["transport"]):
                AssignedPerson.objects.create(
                    assignment=made, user=person, assigned_at=at(1), due_at=FUTURE
                )

    assert queries() == before


@pytest.mark.django_db
def test_the_gap_offers_the_people_below_target_by_the_reports_rule(training, shared_organisation):
    people = shared_organisation.people
    north = DepartmentFactory(
        code="CRS-N", name="CRS North", parent=shared_organisation.departments["CRS"]
    )
    # Moved into a sub-department: still in CRS's gap.
    membership_set(
        user=people["a3"], department=north, job_role=shared_organisation.roles["analyst"]
    )

    found = {
        (code, competency): gap.people_below_target(
            gap.gap_find(department_code=code, competency_code=competency)
        )
        for code, competency in [("CRS", "DA.1"), ("CRS-N", "DA.1"), ("FIN", "SP.1")]
    }

    # DA.1: officers need 1 (o3 has 0), analysts 3 (a2 has 2, a3 1); unknown levels are not
    # below. SP.1: officers need 2 (f3 has 1, f4 0), analysts 1 (fa2 is not assessed).
    ids = {key: user.pk for key, user in people.items()}
    assert found == {
        ("CRS", "DA.1"): sorted([ids["o3"], ids["a2"], ids["a3"]]),
        ("CRS-N", "DA.1"): [ids["a3"]],
        ("FIN", "SP.1"): sorted([ids["f3"], ids["f4"]]),
    }


@pytest.mark.django_db
def test_gap_rows_lead_to_assigning_and_show_the_progress_of_what_was_assigned(
    client, training, shared_organisation
):
    people = shared_organisation.people
    from_gap = Assignment.objects.create(
        item=training["course"],
        audience=Audience.PEOPLE,
        due_date=FUTURE.date(),
        reason="Below target.",
        source={"department": "CRS", "competency": "DA.1"},
    )
    for key, completed in [("o1", at(3)), ("o2", at(4)), ("o3", None), ("o5", None), ("a2", None)]:
        AssignedPerson.objects.create(
            assignment=from_gap,
            user=people[key],
            assigned_at=at(1),
            due_at=FUTURE,
            completed_at=completed,
        )
    small = Assignment.objects.create(
        item=training["course"],
        audience=Audience.PEOPLE,
        due_date=FUTURE.date(),
        reason="Below target.",
        source={"department": "CRS", "competency": "SP.1"},
    )
    for key in ("o2", "o5"):
        AssignedPerson.objects.create(
            assignment=small, user=people[key], assigned_at=at(1), due_at=FUTURE
        )
    # Sees every department but may not assign: the figures without the way to act on them.
    reader = make_person()
    reader.user_permissions.add(
        Permission.objects.get(codename="view_all_reports"),
        Permission.objects.get(codename="view_department_report"),
    )

    def training_column(user) -> dict[str, tuple[str, list[str]]]:
        client.force_login(user)
        html = client.get("/reports/departments/CRS/").content
        rows = table(html, "Largest gaps")
        links = {
            text_of(a): a.get("href")
            for a in tree(html).xpath("//table[caption[starts-with(., 'Largest')]]//a")
            if "Assign" in text_of(a)
        }
        return rows[0][-1], {row[1]: row[-1] for row in rows[1:]}, links

    hidden = "Assigned training: progress hidden while fewer than 5 people hold it"
    header, cells, links = training_column(shared_organisation.managers["CRS"])
    assert header == "Training"
    assert cells == {
        "SP.1 Cyber hygiene": f"Assign courses for this: SP.1 Cyber hygiene {hidden}",
        "DA.1 Data literacy": (
            "Assign courses for this: DA.1 Data literacy Assigned training: 2 of 5 done"
        ),
        "DA.2 Data ethics": "Assign courses for this: DA.2 Data ethics",
    }
    new = "/assignments/new/?department=CRS&competency="
    assert links == {
        f"Assign courses for this: {name}": f"{new}{name[:4]}"
        for name in ("SP.1 Cyber hygiene", "DA.1 Data literacy", "DA.2 Data ethics")
    }
    assert training_column(shared_organisation.cto)[1] == cells
    assert training_column(reader)[1] == {
        "SP.1 Cyber hygiene": hidden,
        "DA.1 Data literacy": "Assigned training: 2 of 5 done",
        "DA.2 Data ethics": "",
    }


def pdf_words(pdf: bytes) -> str:
    """The PDF's words, without the heatmap pictures' labels (drawn as forms of their own)."""
    from pypdf import PdfReader, apply_configuration

    with apply_configuration(xform_maximum_invocations_per_extraction=0):
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return " ".join(" ".join(pages).split())


@pytest.mark.django_db
def test_the_report_pack_has_the_compliance_page_with_the_same_hidden_figures(
    client, training, shared_organisation
):
    client.force_login(shared_organisation.cto)
    shown = tables(client.get("/reports/compliance/").content)

    words = pdf_words(client.get("/reports/export.pdf").content)

    section = words[words.index("Mandatory training") : words.index("Method and data quality")]
    # Every hidden cell of the page is hidden in the pack, and nothing more (the heatmap's key,
    # "Hidden: a small group", may be read out among them).
    assert len(re.findall(r"Hidden(?!:)", section)) == sum(
        row.count("Hidden") for rows in shown.values() for row in rows
    )
    for caption, rows in shown.items():
        assert caption in section
        total = " ".join(rows[-1])
        assert total in section
    # A department's pack is its lead's: they read their departments' compliance page instead.
    assert pack_compliance(department_report("CRS")) is None


@pytest.mark.django_db
def test_a_lead_not_yet_granted_a_department_sees_no_department_s_figures(client, training):
    lead = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD])
    client.force_login(lead)

    response = client.get("/reports/department/compliance/")

    assert texts(response.content, "//table") == []
    assert texts(response.content, "//p[@id='nothing-assigned']") == [
        "You have not been granted a department to lead yet. An administrator, the HR roster "
        "or your organisation's sign-in service grants it."
    ]


@pytest.mark.django_db
def test_people_with_no_department_are_a_group_of_their_own(client, training, shared_organisation):
    for _ in range(2):
        AssignedPerson.objects.create(
            assignment=training["everyone"], user=make_person(), assigned_at=at(1), due_at=FUTURE
        )
    client.force_login(shared_organisation.cto)

    found = tables(client.get("/reports/compliance/").content)

    # Hidden with TRN's 3, the 2 make 5: enough together that FIN's 10 can be shown.
    assert found[EVERYONE] == [
        HEADER,
        [CRS, "14", "3", "1", "2", "3", "5", "0"],
        [FIN, "10", "0", "0", "0", "0", "10", "0"],
        ["No department recorded", *HIDDEN],
        [TRN, *HIDDEN],
        ["All departments", "29", "3", "1", "2", "3", "20", "0"],
    ]


@pytest.mark.django_db
def test_counts_are_reused_until_an_assignment_changes(
    training, shared_organisation, django_capture_on_commit_callbacks
):
    from analytics.reports.compliance import status_counts
    from assignments.services import assignment_withdraw

    now = timezone.now()
    first = status_counts(now=now)
    with CaptureQueriesContext(connection) as again:
        reused = status_counts(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_withdraw(by=shared_organisation.cto, assignment=training["transport"])
    after = status_counts(now=now)

    assert (reused.equals(first), len(again)) == (True, 0)
    assert sorted(after["assignment"].unique()) == sorted(
        set(first["assignment"].unique()) - {training["transport"].pk}
    )
