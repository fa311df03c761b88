"""Importing a roster: people placed, moved and leaving; the same file twice changes nothing."""

from datetime import date

import pytest
from allauth.account.models import EmailAddress
from wagtail.models import ModelLogEntry

from accounts.models import User
from accounts.roles import Role
from organisations.models import Department, DepartmentLead, JobRole, Membership, MembershipSource
from organisations.roster.report import roster_summary
from organisations.roster.services import roster_import
from organisations.services import department_lead_grant, membership_set
from tests.factories import make_person
from tests.organisations.roster.rosters import person, roster, written

TODAY = date(2026, 6, 1)


def place(number: str) -> tuple:
    membership = Membership.objects.select_related(
        "user", "department", "job_role", "line_manager__membership"
    ).get(employee_number=number)
    manager = membership.line_manager
    return (
        membership.department.code,
        membership.job_role.code if membership.job_role else None,
        manager.membership.employee_number if manager else None,
        membership.leaving_date,
        membership.source,
        membership.user.is_active,
    )


def run(*rows: dict, **options):
    return roster_import(content=roster(*rows), file_name="staff.csv", today=TODAY, **options)


@pytest.mark.django_db
def test_first_import_creates_departments_roles_and_people_with_their_managers():
    plan = run(
        {"department_code": "DIG", "department_name": "Digital Directorate"},
        person(
            "E1",
            "DSV",
            department_name="Digital Services",
            parent_department_code="DIG",
            job_role_code="product-manager",
            job_role_name="Product manager",
        ),
        person("E2", "DSV", job_role_code="product-manager", line_manager_employee_number="E1"),
    )

    assert plan.counts()["new"] == 2
    assert Department.objects.get(code="DSV").parent.code == "DIG"
    assert JobRole.objects.get(code="product-manager").name == "Product manager"
    assert place("E1") == ("DSV", "product-manager", None, None, "roster", True)
    assert place("E2") == ("DSV", "product-manager", "E1", None, "roster", True)
    user = User.objects.get(email="e2@city.example.gov")
    assert (user.first_name, user.last_name, user.has_usable_password()) == (
        "Given E2",
        "Roster",
        False,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["Learner"]
    assert list(EmailAddress.objects.filter(user=user).values_list("primary", "verified")) == [
        (True, True)
    ]


@pytest.mark.django_db
def test_second_import_of_the_same_file_reports_everything_unchanged_and_writes_nothing(
    department,
):
    rows = (
        person("E1", leads_department_codes="CRS"),
        person("E2", line_manager_employee_number="E1", leaving_date="2026-12-31"),
        person("E3", leaving_date="2026-01-31"),
    )
    run(*rows)
    before = written()

    plan = run(*rows)

    assert written() == before
    assert plan.counts() == {
        "new": 0,
        "moved": 0,
        "leaving": 0,
        "updated": 0,
        "unchanged": 3,
        "missing": 0,
        "departments_added": 0,
        "departments_changed": 0,
        "job_roles_added": 0,
        "job_roles_changed": 0,
        "deactivated": 0,
    }
    assert not plan.writes_anything


@pytest.mark.django_db
def test_dry_run_reports_the_change_and_writes_nothing(department):
    run(person("E1"))
    before = written()

    plan = run(person("E1", "FIN", department_name="Finance"), person("E2"), dry_run=True)

    assert written() == before
    assert (plan.counts()["new"], plan.counts()["moved"], plan.counts()["departments_added"]) == (
        1,
        1,
        1,
    )


@pytest.mark.django_db
def test_moves_are_applied_and_audited_with_before_and_after(department, other_department):
    run(person("E1"), person("E2"), person("E3", line_manager_employee_number="E1"))
    entries = ModelLogEntry.objects.count()

    plan = run(
        person("E1"),
        person("E2", line_manager_employee_number="E1"),
        person("E3", "FIN", line_manager_employee_number="E2"),
    )

    assert [(p.row.employee_number, p.kind) for p in plan.people] == [
        ("E1", "unchanged"),
        ("E2", "moved"),
        ("E3", "moved"),
    ]
    assert place("E3") == ("FIN", None, "E2", None, "roster", True)
    new_entries = ModelLogEntry.objects.order_by("pk")[entries:]
    assert [(e.action, e.data) for e in new_entries] == [
        (
            "lms.membership.change",
            {
                "before": {
                    "department": "Civil Registration and Citizen Services (CRS)",
                    "job_role": None,
                    "line_manager": None,
                    "employee_number": "E2",
                    "leaving_date": None,
                },
                "after": {
                    "department": "Civil Registration and Citizen Services (CRS)",
                    "job_role": None,
                    "line_manager": "Given E1 Roster",
                    "employee_number": "E2",
                    "leaving_date": None,
                },
                "via": "HR roster staff.csv",
            },
        ),
        (
            "lms.membership.change",
            {
                "before": {
                    "department": "Civil Registration and Citizen Services (CRS)",
                    "job_role": None,
                    "line_manager": "Given E1 Roster",
                    "employee_number": "E3",
                    "leaving_date": None,
                },
                "after": {
                    "department": "Finance, Revenue and Procurement (FIN)",
                    "job_role": None,
                    "line_manager": "Given E2 Roster",
                    "employee_number": "E3",
                    "leaving_date": None,
                },
                "via": "HR roster staff.csv",
            },
        ),
    ]


@pytest.mark.django_db
def test_two_people_swap_line_manager_without_a_loop_on_the_way(department):
    run(person("E1"), person("E2", line_manager_employee_number="E1"))

    run(person("E1", line_manager_employee_number="E2"), person("E2"))

    assert (place("E1")[2], place("E2")[2]) == ("E2", None)


@pytest.mark.django_db
def test_past_leaving_date_closes_the_account_and_a_future_one_is_recorded(department):
    run(person("E1"), person("E2"))

    plan = run(person("E1", leaving_date="2026-05-31"), person("E2", leaving_date="2026-09-30"))

    assert [(p.row.employee_number, p.kind, p.deactivate) for p in plan.people] == [
        ("E1", "leaving", True),
        ("E2", "leaving", False),
    ]
    assert place("E1") == ("CRS", None, None, date(2026, 5, 31), "roster", False)
    assert place("E2") == ("CRS", None, None, date(2026, 9, 30), "roster", True)
    closing = ModelLogEntry.objects.get(action="lms.account.deactivate")
    assert closing.data == {
        "before": {"is_active": True},
        "after": {"is_active": False},
        "via": "HR roster staff.csv",
    }


@pytest.mark.django_db
def test_leaving_date_passing_closes_the_account_on_the_next_import(department):
    rows = (person("E1", leaving_date="2026-06-15"),)
    run(*rows)
    assert place("E1")[5] is True

    plan = roster_import(content=roster(*rows), file_name="staff.csv", today=date(2026, 6, 16))

    assert plan.people[0].kind == "leaving"
    assert place("E1")[5] is False


@pytest.mark.django_db
def test_people_missing_from_the_roster_are_listed_and_closed_only_when_asked(department):
    run(person("E1"), person("E2"))
    admin_placed = make_person(department=department)
    before = written()

    listed = run(person("E1"))

    assert written() == before
    assert [(m.employee_number, m.email) for m in listed.missing] == [("E2", "e2@city.example.gov")]
    assert roster_summary(listed)[3] == (
        "Missing from the roster: 1 people the roster placed before; their accounts stay open "
        "(--deactivate-missing closes them)."
    )

    run(person("E1"), deactivate_missing=True)

    assert place("E2")[5] is False
    assert User.objects.get(pk=admin_placed.pk).is_active is True
    assert run(person("E1"), deactivate_missing=True).missing == []


@pytest.mark.django_db
def test_lead_scope_from_the_roster_is_granted_and_withdrawn_but_an_administrators_stays(
    department, other_department
):
    run(person("E1", leads_department_codes="CRS; FIN"))
    lead = User.objects.get(email="e1@city.example.gov")
    assert sorted(lead.groups.values_list("name", flat=True)) == ["Department lead", "Learner"]
    DepartmentLead.objects.filter(user=lead, department=other_department).delete()
    department_lead_grant(user=lead, department=other_department)  # an administrator's grant

    plan = run(person("E1"))

    assert plan.people[0].revoke_codes == ("CRS",)
    assert list(
        DepartmentLead.objects.filter(user=lead).values_list("department__code", "source")
    ) == [("FIN", MembershipSource.ADMINISTRATOR)]
    assert lead.groups.filter(name=str(Role.DEPARTMENT_LEAD)).exists()


@pytest.mark.django_db
def test_an_existing_account_is_placed_by_its_email_and_a_changed_email_follows_the_roster(
    department,
):
    existing = make_person(email="e1@city.example.gov")
    run(person("E1"))

    assert place("E1") == ("CRS", None, None, None, "roster", True)
    assert Membership.objects.get(employee_number="E1").user_id == existing.pk

    plan = run({**person("E1"), "email": "new.name@city.example.gov"})

    assert plan.people[0].changes == (
        ("email", "e1@city.example.gov", "new.name@city.example.gov"),
    )
    existing.refresh_from_db()
    assert existing.email == "new.name@city.example.gov"
    assert list(EmailAddress.objects.filter(user=existing).values_list("email", "primary")) == [
        ("new.name@city.example.gov", True)
    ]


@pytest.mark.django_db
def test_a_department_is_renamed_and_moved_by_the_roster(department, other_department):
    run(person("E1", "FIN", department_name="Finance", parent_department_code="CRS"))

    finance = Department.objects.get(code="FIN")
    assert (finance.name, finance.parent.code) == ("Finance", "CRS")
    assert run(person("E1")).departments == []


@pytest.mark.django_db
def test_an_administrators_placement_is_taken_over_by_the_roster(department, other_department):
    someone = make_person(email="e1@city.example.gov")
    membership_set(user=someone, department=other_department, job_role=None)

    plan = run(person("E1"))

    assert (plan.people[0].kind, place("E1")[0], place("E1")[4]) == ("moved", "CRS", "roster")


@pytest.mark.django_db
def test_two_departments_swap_places_in_the_tree(department, other_department):
    run(person("E1", "FIN", department_name="Finance", parent_department_code="CRS"))

    run(
        person("E1", "FIN", department_name="Finance"),
        {"department_code": "CRS", "department_name": "Citizens", "parent_department_code": "FIN"},
    )

    tree = sorted(
        (d.code, d.name, d.parent.code if d.parent else None) for d in Department.objects.all()
    )
    assert tree == [("CRS", "Citizens", "FIN"), ("FIN", "Finance", None)]


@pytest.mark.django_db
def test_a_closed_account_on_the_roster_stays_closed_and_is_counted(department):
    run(person("E1"))
    User.objects.filter(email="e1@city.example.gov").update(is_active=False)

    plan = run(person("E1"))

    assert (plan.people[0].kind, plan.people[0].account_closed) == ("unchanged", True)
    assert roster_summary(plan)[-1] == (
        "1 people on the roster have closed accounts; an administrator reopens them."
    )
    assert place("E1")[5] is False
