"""Roster files for the tests, and a count of everything an import could write."""

import csv
import io

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from accounts.models import User
from organisations.models import Department, DepartmentLead, JobRole, Membership
from organisations.roster.parse import COLUMNS

HEADER = list(COLUMNS)


def roster(*rows: dict, header: list[str] = HEADER) -> bytes:
    """A roster file: the header line, then one line per dict (missing columns empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode()


def person(number: str, department: str = "CRS", **fields) -> dict:
    """One person's row: E1 -> e1@city.example.gov, given name Given E1."""
    return {
        "employee_number": number,
        "email": f"{number.lower()}@city.example.gov",
        "given_name": f"Given {number}",
        "family_name": "Roster",
        "department_code": department,
        **fields,
    }


def written() -> dict[str, list]:
    """Everything an import could write, as plain values: equal before and after an import
    means it wrote nothing."""
    return {
        "users": sorted(User.objects.values_list("email", "first_name", "is_active")),
        "addresses": sorted(EmailAddress.objects.values_list("email", "primary", "verified")),
        "groups": sorted(Group.user_set.through.objects.values_list("user__email", "group__name")),
        "memberships": sorted(
            Membership.objects.values_list(
                "user__email",
                "department__code",
                "job_role__code",
                "line_manager__email",
                "employee_number",
                "leaving_date",
                "source",
                "updated_at",
            ),
            key=str,
        ),
        "departments": sorted(
            Department.objects.values_list("code", "name", "parent__code"), key=str
        ),
        "job_roles": sorted(JobRole.objects.values_list("code", "name")),
        "leads": sorted(DepartmentLead.objects.values_list("user__email", "department__code")),
        "audit": ModelLogEntry.objects.count(),
    }
