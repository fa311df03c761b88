"""A roster with any bad row is refused whole: every problem with its line, nothing written."""

import pytest

from organisations.models import MembershipSource
from organisations.roster.plan import RosterRefused
from organisations.roster.services import roster_import
from organisations.services import membership_set
from tests.factories import make_person
from tests.organisations.roster.rosters import person, roster, written


def refused(content: bytes) -> list[str]:
    """The problems an import of `content` reports, after checking it wrote nothing."""
    before = written()
    with pytest.raises(RosterRefused) as caught:
        roster_import(content=content, file_name="staff.csv")
    assert written() == before
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.django_db
def test_unknown_department_is_refused_with_its_line(department):
    content = roster(person("E1"), person("E2", department="ZZZ"))

    assert refused(content) == [
        "Line 3, department_code: unknown department ZZZ: name it on a row of this file "
        "(department_code with department_name) or create it in the CMS."
    ]


@pytest.mark.django_db
def test_duplicate_employee_number_is_refused_on_the_second_line(department):
    content = roster(
        person("E1"), person("E2"), {**person("E1"), "email": "other@city.example.gov"}
    )

    assert refused(content) == ["Line 4, employee_number: employee number E1 is already on line 2."]


@pytest.mark.django_db
def test_duplicate_email_is_refused_on_the_second_line(department):
    content = roster(person("E1"), {**person("E2"), "email": "E1@city.example.gov"})

    assert refused(content) == ["Line 3, email: e1@city.example.gov is already on line 2."]


@pytest.mark.django_db
def test_malformed_email_is_refused(department):
    content = roster(person("E1"), {**person("E2"), "email": "not-an-address"})

    assert refused(content) == ["Line 3, email: 'not-an-address' is not an email address."]


@pytest.mark.django_db
def test_missing_required_fields_are_each_refused(department):
    content = roster(
        {**person("E1"), "given_name": ""}, {**person("E2"), "department_code": "", "email": ""}
    )

    assert refused(content) == [
        "Line 2, given_name: is required for a person.",
        "Line 3, department_code: is required for a person.",
        "Line 3, email: is required for a person.",
    ]


@pytest.mark.django_db
def test_unknown_line_manager_is_refused(department):
    content = roster(person("E1"), person("E2", line_manager_employee_number="E99"))

    assert refused(content) == [
        "Line 3, line_manager_employee_number: unknown line manager E99: nobody has that "
        "employee number in this file or in the organisation."
    ]


@pytest.mark.django_db
def test_a_loop_of_line_managers_across_rows_is_refused_on_every_row_in_it(department):
    content = roster(
        person("E1", line_manager_employee_number="E3"),
        person("E2", line_manager_employee_number="E1"),
        person("E3", line_manager_employee_number="E2"),
        person("E4", line_manager_employee_number="E1"),
    )

    loop = "line managers would form a loop: E1 → E3 → E2 → E1."
    assert refused(content) == [
        f"Line 2, line_manager_employee_number: {loop}",
        f"Line 3, line_manager_employee_number: {loop}",
        f"Line 4, line_manager_employee_number: {loop}",
    ]


@pytest.mark.django_db
def test_a_loop_through_someone_outside_the_file_is_refused(department):
    # In the organisation, A (E50, not in the file) reports to B (E51); the file makes E51
    # report to E50: together they would manage each other.
    a, b = make_person(department=department), make_person(department=department)
    membership_set(user=b, department=department, job_role=None, employee_number="E51")
    membership_set(
        user=a, department=department, job_role=None, line_manager=b, employee_number="E50"
    )
    content = roster({**person("E51"), "email": b.email, "line_manager_employee_number": "E50"})

    assert refused(content) == [
        "Line 2, line_manager_employee_number: line managers would form a loop: E51 → E50 → E51."
    ]


@pytest.mark.django_db
def test_a_person_cannot_manage_themselves(department):
    content = roster(person("E1", line_manager_employee_number="E1"))

    assert refused(content) == [
        "Line 2, line_manager_employee_number: a person cannot manage themselves."
    ]


@pytest.mark.django_db
def test_every_bad_row_is_listed_at_once(department):
    content = roster(
        person("E1"),
        {**person("E2"), "email": "broken"},
        person("E3", department="NOPE"),
        person("E1"),
        person("E4", leaving_date="31/03/2026"),
        person("E5", line_manager_employee_number="E2"),  # E2 was refused: not unknown
    )

    assert refused(content) == [
        "Line 3, email: 'broken' is not an email address.",
        "Line 4, department_code: unknown department NOPE: name it on a row of this file "
        "(department_code with department_name) or create it in the CMS.",
        "Line 5, employee_number: employee number E1 is already on line 2.",
        "Line 6, leaving_date: '31/03/2026' is not a date like 2026-03-31.",
    ]


@pytest.mark.django_db
def test_departments_that_would_sit_inside_each_other_are_refused(department):
    content = roster(
        {"department_code": "AAA", "department_name": "A", "parent_department_code": "BBB"},
        {"department_code": "BBB", "department_name": "B", "parent_department_code": "AAA"},
        person("E1", department="AAA"),
    )

    assert refused(content) == [
        "Line 2, parent_department_code: departments would sit inside themselves: AAA → BBB → AAA.",
        "Line 3, parent_department_code: departments would sit inside themselves: BBB → AAA → BBB.",
    ]


@pytest.mark.django_db
def test_a_department_described_two_ways_is_refused(department):
    content = roster(
        person("E1", department="DIG", department_name="Digital"),
        person("E2", department="DIG", department_name="Digital Services"),
    )

    assert refused(content) == [
        "Line 3, department_name: department DIG is described differently on line 2 "
        "(name and parent must match)."
    ]


@pytest.mark.django_db
def test_unknown_job_role_and_a_taken_job_role_name_are_refused(department, job_role):
    content = roster(
        person("E1", job_role_code="astronaut"),
        person("E2", job_role_code="officer", job_role_name="Citizen service officer"),
    )

    assert refused(content) == [
        "Line 2, job_role_code: unknown job role astronaut: name it on a row of this file "
        "(job_role_code with job_role_name) or create it in the CMS.",
        "Line 3, job_role_name: 'Citizen service officer' is already the name of job role "
        "citizen-service-officer.",
    ]


@pytest.mark.django_db
def test_an_email_of_another_persons_account_is_refused(department):
    someone = make_person(email="someone@city.example.gov")
    membership_set(user=someone, department=department, job_role=None, employee_number="E7")
    content = roster(
        {**person("E1"), "email": "someone@city.example.gov"},
        {**person("E7"), "email": "e1@city.example.gov"},
    )
    make_person(email="e1@city.example.gov")

    assert refused(content) == [
        "Line 2, email: the account of someone@city.example.gov has employee number E7 in the "
        "organisation.",
        "Line 3, email: e1@city.example.gov is the email address of another person's account.",
    ]


@pytest.mark.django_db
def test_a_file_with_wrong_columns_is_refused_on_line_1(department):
    content = b"employee_number,mail,given_name,department_code\nE1,a@b.gov,A,CRS\n"

    assert refused(content) == [
        "Line 1: the columns email are missing.",
        "Line 1: unknown columns 'mail'; the columns are employee_number, email, given_name, "
        "department_code, family_name, department_name, parent_department_code, "
        "job_role_code, job_role_name, line_manager_employee_number, leaving_date, "
        "leads_department_codes.",
    ]


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_or_has_ragged_lines_is_refused(department):
    assert refused("employee_number,email\nÉ".encode("latin-1")) == [
        "The file: it is not UTF-8 text; save it as CSV UTF-8."
    ]
    ragged = b"employee_number,email,given_name,department_code\nE1,e1@a.gov,A,CRS,extra\n"
    assert refused(ragged) == ["Line 2: it has 5 fields but the header has 4."]


@pytest.mark.django_db
def test_refused_roster_leaves_an_earlier_import_as_it_was(department):
    roster_import(content=roster(person("E1"), person("E2")), file_name="monday.csv")
    before = written()

    with pytest.raises(RosterRefused):
        roster_import(
            content=roster(person("E1", department="ZZZ"), person("E3")), file_name="tuesday.csv"
        )

    assert written() == before
    assert before["memberships"][0][6] == MembershipSource.ROSTER
