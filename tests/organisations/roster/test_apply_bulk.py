"""The bulk path writes exactly what the services write one row at a time."""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from wagtail.models import ModelLogEntry

from accounts.models import User
from organisations.models import Membership
from organisations.roster.services import roster_import
from tests.factories import make_person
from tests.organisations.roster.rosters import person, roster, written

TODAY = date(2026, 6, 1)


class _Undo(Exception):
    pass


def outcome() -> dict:
    """Everything written, with the ids and clocks that differ between two runs left out."""
    result = written()
    for index, row in enumerate(result["memberships"]):
        result["memberships"][index] = row[:-1]  # updated_at
    users = dict(User.objects.values_list("pk", "email"))
    members = dict(Membership.objects.values_list("pk", "user__email"))
    entries = []
    for entry in ModelLogEntry.objects.select_related("content_type", "user"):
        owner = {"user": users, "membership": members}.get(entry.content_type.model, {})
        entries.append(
            (
                entry.action,
                entry.content_type.model,
                entry.label,
                owner.get(int(entry.object_id), "(deleted)"),
                entry.data,
                entry.user.email if entry.user else None,
                entry.uuid,
            )
        )
    result["audit"] = sorted(entries, key=repr)
    return result


def outcome_of(method: str, content: bytes, **options) -> dict:
    """Import with one method, note the outcome, then undo it all."""
    try:
        with transaction.atomic():
            roster_import(
                content=content, file_name="staff.csv", today=TODAY, method=method, **options
            )
            result = outcome()
            raise _Undo
    except _Undo:
        return result


@pytest.mark.django_db
def test_bulk_first_import_equals_the_services(department):
    content = roster(
        {"department_code": "DIG", "department_name": "Digital", "parent_department_code": "CRS"},
        person(
            "E1", "DIG", job_role_code="lead", job_role_name="Lead", leads_department_codes="DIG"
        ),
        person("E2", line_manager_employee_number="E1", job_role_code="lead"),
        person("E3", line_manager_employee_number="E2", leaving_date="2026-01-31"),
    )

    by_services = outcome_of("services", content)

    assert outcome_of("bulk", content) == by_services
    assert Counter(entry[0] for entry in by_services["audit"]) == {
        "lms.account.create": 3,
        "lms.roles.change": 4,  # Learner for each new account, Department lead for E1
        "lms.membership.change": 3,
        "lms.lead_scope.grant": 1,
        "lms.account.deactivate": 1,
    }


@pytest.mark.django_db
def test_bulk_changes_equal_the_services_for_every_kind_of_change(
    department, other_department, administrator
):
    roster_import(
        content=roster(
            person(
                "E1", job_role_code="officer", job_role_name="Officer", leads_department_codes="CRS"
            ),
            person("E2", line_manager_employee_number="E1"),
            person("E3", line_manager_employee_number="E2"),
            person("E4", "FIN", leads_department_codes="FIN"),
            person("E5"),
            person("E6"),
        ),
        file_name="before.csv",
        method="services",
    )
    make_person(email="adopted@city.example.gov", department=department)
    changes = roster(
        {"department_code": "DIG", "department_name": "Digital", "parent_department_code": "CRS"},
        person("E1", job_role_code="officer", job_role_name="Senior officer"),
        person("E2", "FIN", line_manager_employee_number="E3"),  # moved, swaps with E3
        person(
            "E3",
            line_manager_employee_number="E1",
            job_role_code="analyst",
            job_role_name="Analyst",
        ),
        {**person("E4", "FIN"), "email": "e4.new@city.example.gov"},  # email; lead withdrawn
        person("E5", leaving_date="2026-05-31"),  # leaves
        person("E7", "DIG", line_manager_employee_number="E2", leads_department_codes="DIG"),
        {**person("E8"), "email": "adopted@city.example.gov"},
        person("E9", leaving_date="2026-02-28"),  # joins the records already gone
    )

    by_services = outcome_of("services", changes, deactivate_missing=True, actor=administrator)

    assert outcome_of("bulk", changes, deactivate_missing=True, actor=administrator) == by_services
    assert sorted({entry[0] for entry in by_services["audit"]}) == [
        "lms.account.create",
        "lms.account.deactivate",
        "lms.account.email_change",
        "lms.lead_scope.grant",
        "lms.lead_scope.revoke",
        "lms.membership.change",
        "lms.roles.change",
    ]
    closed = {email for email, _, active in by_services["users"] if not active}
    assert closed == {"e5@city.example.gov", "e6@city.example.gov", "e9@city.example.gov"}
