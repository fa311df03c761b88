"""A person's own correction waits for their line manager or an administrator, and nobody's
report scope follows what they say about themselves."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from organisations.models import DepartmentLead, Membership, MembershipSource
from organisations.services import membership_request_create
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.mfa import activate_totp


@pytest.fixture
def finance(db):
    return DepartmentFactory(code="FIN", name="Finance")


@pytest.fixture
def analyst(db):
    return JobRoleFactory(code="data-analyst", name="Data analyst")


@pytest.fixture
def correction(learner, finance, analyst):
    return membership_request_create(
        user=learner, department=finance, job_role=analyst, reason="Moved in March"
    )


def audit_of(action: str) -> list[tuple[str, dict, dict, str]]:
    return [
        (
            entry.user.email if entry.user else "",
            entry.data["before"],
            entry.data["after"],
            entry.data["via"],
        )
        for entry in ModelLogEntry.objects.filter(action=action).order_by("pk")
    ]


@pytest.mark.django_db
def test_line_manager_approves_and_the_person_moves(
    client, department_lead, learner, correction, finance, analyst, department, job_role
):
    client.force_login(department_lead)

    listing = client.get(reverse("membership_requests"))
    response = client.post(
        reverse("membership_request_decide", args=[correction.pk]), {"decision": "approve"}
    )

    assert list(listing.context["pending_requests"]) == [correction]
    assert response.status_code == 302
    membership = Membership.objects.get(user=learner)
    assert (membership.department, membership.job_role, membership.source) == (
        finance,
        analyst,
        MembershipSource.APPROVED_REQUEST,
    )
    assert membership.line_manager == department_lead
    correction.refresh_from_db()
    assert (correction.status, correction.decided_by) == ("approved", department_lead)
    changes = audit_of("lms.membership.change")
    assert changes[-1] == (
        department_lead.email,
        {
            "department": str(department),
            "job_role": str(job_role),
            "line_manager": str(department_lead),
            "employee_number": None,
            "leaving_date": None,
        },
        {
            "department": str(finance),
            "job_role": str(analyst),
            "line_manager": str(department_lead),
            "employee_number": None,
            "leaving_date": None,
        },
        "Approved correction",
    )
    assert audit_of("lms.membership.decide") == [
        (department_lead.email, {"status": "pending"}, {"status": "approved"}, "")
    ]


@pytest.mark.django_db
def test_rejected_correction_changes_nothing(
    client, department_lead, learner, correction, department, job_role
):
    client.force_login(department_lead)

    client.post(reverse("membership_request_decide", args=[correction.pk]), {"decision": "reject"})

    membership = Membership.objects.get(user=learner)
    assert (membership.department, membership.job_role) == (department, job_role)
    correction.refresh_from_db()
    assert correction.status == "rejected"


@pytest.mark.django_db
def test_administrator_decides_anyones_correction(client, administrator, learner, correction):
    client.force_login(administrator)

    listing = client.get(reverse("membership_requests"))
    client.post(reverse("membership_request_decide", args=[correction.pk]), {"decision": "approve"})

    assert list(listing.context["pending_requests"]) == [correction]
    assert Membership.objects.get(user=learner).department.code == "FIN"


@pytest.mark.django_db
def test_nobody_else_sees_or_decides_a_correction(client, learner, correction, department):
    other_lead = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=department)
    for person in (other_lead, learner):
        client.force_login(person)

        listing = client.get(reverse("membership_requests"))
        page = client.get(reverse("membership_request_decide", args=[correction.pk]))
        post = client.post(
            reverse("membership_request_decide", args=[correction.pk]), {"decision": "approve"}
        )

        assert list(listing.context["pending_requests"]) == []
        assert (page.status_code, post.status_code) == (404, 404)
    correction.refresh_from_db()
    assert correction.status == "pending"


@pytest.mark.django_db
def test_an_administrator_cannot_approve_their_own_correction(client, department, finance):
    admin = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR], department=department)
    activate_totp(admin)
    own = membership_request_create(user=admin, department=finance, job_role=None)
    client.force_login(admin)

    response = client.post(
        reverse("membership_request_decide", args=[own.pk]), {"decision": "approve"}
    )

    assert response.status_code == 404
    assert Membership.objects.get(user=admin).department == department


@pytest.mark.django_db
def test_decision_without_a_choice_is_asked_again(client, department_lead, correction):
    client.force_login(department_lead)

    response = client.post(reverse("membership_request_decide", args=[correction.pk]), {})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "decision": ["Choose whether to approve the correction"]
    }
    correction.refresh_from_db()
    assert correction.status == "pending"


@pytest.mark.django_db
def test_a_decided_correction_cannot_be_decided_again(client, department_lead, correction):
    client.force_login(department_lead)
    url = reverse("membership_request_decide", args=[correction.pk])
    client.post(url, {"decision": "reject"})

    again = client.post(url, {"decision": "approve"})

    assert again.status_code == 404
    correction.refresh_from_db()
    assert correction.status == "rejected"


@pytest.mark.django_db
def test_lead_who_sets_another_department_gains_no_scope_and_keeps_their_own(
    client, department_lead, department, finance, job_role
):
    """The security test's first finding: a lead set their department to FIN and got its
    reports (and lost CRS)."""
    client.force_login(department_lead)

    client.post(
        reverse("profile"),
        {"first_name": "Grace", "department": finance.pk, "job_role": job_role.pk},
    )

    assert Membership.objects.get(user=department_lead).department == department
    assert list(
        DepartmentLead.objects.filter(user=department_lead).values_list(
            "department__code", flat=True
        )
    ) == ["CRS"]
    for url in (
        reverse("department_report", args=["FIN"]),
        reverse("department_export", args=["FIN", "csv"]),
        reverse("department_competency", args=["FIN", "DA.1"]),
    ):
        assert client.get(url).status_code == 403
    assert client.get(reverse("my_department_report")).url == reverse(
        "department_report", args=["CRS"]
    )


@pytest.mark.django_db
def test_lead_scope_is_the_grant_not_the_department_they_belong_to(
    client, department_lead, finance
):
    """Even a membership an authority moved does not carry a lead's scope with it."""
    Membership.objects.filter(user=department_lead).update(department=finance)
    client.force_login(department_lead)

    assert client.get(reverse("department_report", args=["FIN"])).status_code == 403
    assert client.get(reverse("my_department_report")).url == reverse(
        "department_report", args=["CRS"]
    )
