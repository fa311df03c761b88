"""Administrators edit the organisation and the security policy in the CMS, with history."""

import pytest
from wagtail.models import ModelLogEntry

from accounts.models import SecurityPolicy
from accounts.roles import Role
from organisations.models import Department, DepartmentLead, Membership
from tests.factories import DepartmentFactory, make_person
from tests.html import texts


@pytest.mark.django_db
def test_administrator_adds_a_department_in_the_cms_and_it_is_logged(client, administrator):
    client.force_login(administrator)

    response = client.post(
        "/cms/snippets/organisations/department/add/",
        {"code": "DIG", "name": "Digital Services", "parent": "", "establishment": "45"},
    )

    assert response.status_code == 302
    department = Department.objects.get(code="DIG")
    assert department.establishment == 45
    entry = ModelLogEntry.objects.get(object_id=str(department.pk), action="wagtail.create")
    assert entry.user_id == administrator.pk


@pytest.mark.django_db
def test_cms_refuses_a_malformed_department_code(client, administrator):
    client.force_login(administrator)

    response = client.post(
        "/cms/snippets/organisations/department/add/", {"code": "not ok", "name": "Broken"}
    )

    assert response.status_code == 200
    assert texts(response.content, "//*[@id='panel-child-code-errors']//p") == [
        "Use 2 to 20 capital letters, digits or hyphens, starting with a letter (for example FIN)."
    ]
    assert not Department.objects.filter(name="Broken").exists()


@pytest.mark.django_db
def test_cms_refuses_a_loop_of_line_managers(client, administrator, department):
    top = make_person(department=department)
    below = make_person(department=department, line_manager=top)
    membership = Membership.objects.get(user=top)
    client.force_login(administrator)

    response = client.post(
        f"/cms/snippets/organisations/membership/edit/{membership.pk}/",
        {"user": top.pk, "department": department.pk, "job_role": "", "line_manager": below.pk},
    )

    assert response.status_code == 200
    assert texts(response.content, "//*[@id='panel-child-line_manager-errors']//p") == [
        "This would make a loop of line managers."
    ]
    membership.refresh_from_db()
    assert membership.line_manager is None


@pytest.mark.django_db
def test_person_chooser_finds_people_by_name(client, administrator):
    make_person(first_name="Wanjiru", last_name="Kamau")
    make_person(first_name="Lars", last_name="Jensen")
    client.force_login(administrator)

    response = client.get("/cms/person_chooser/results/", {"q": "wanj"})

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//table//tr") == ["Title", "Wanjiru Kamau"]
    assert "Lars Jensen" not in html


@pytest.mark.django_db
def test_administrator_requires_mfa_for_cto_office_in_the_cms(client, administrator):
    client.force_login(administrator)
    policy = SecurityPolicy.load()

    response = client.post(
        f"/cms/settings/accounts/securitypolicy/{policy.pk}/",
        {"require_mfa_for_administrators": "on", "require_mfa_for_cto_office": "on"},
    )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.require_mfa_for_cto_office is True
    assert policy.require_mfa_for_department_leads is False


def audit_rows(action: str) -> list[tuple[int | None, dict, dict, str]]:
    return [
        (entry.user_id, entry.data["before"], entry.data["after"], entry.data["via"])
        for entry in ModelLogEntry.objects.filter(action=action).order_by("pk")
    ]


@pytest.mark.django_db
def test_membership_edited_in_the_cms_is_audited_with_before_and_after(
    client, administrator, learner, department, job_role, department_lead
):
    finance = DepartmentFactory(code="FIN", name="Finance")
    membership = Membership.objects.get(user=learner)
    client.force_login(administrator)
    ModelLogEntry.objects.filter(action="lms.membership.change").delete()

    response = client.post(
        f"/cms/snippets/organisations/membership/edit/{membership.pk}/",
        {
            "user": learner.pk,
            "department": finance.pk,
            "job_role": job_role.pk,
            "line_manager": department_lead.pk,
            "employee_number": "E-1001",
            "leaving_date": "",
        },
    )

    assert response.status_code == 302
    unchanged = {"job_role": str(job_role), "line_manager": str(department_lead)}
    assert audit_rows("lms.membership.change") == [
        (
            administrator.pk,
            {
                **unchanged,
                "department": str(department),
                "employee_number": None,
                "leaving_date": None,
            },
            {
                **unchanged,
                "department": str(finance),
                "employee_number": "E-1001",
                "leaving_date": None,
            },
            "Content management",
        )
    ]
    membership.refresh_from_db()
    assert (membership.department, membership.source) == (finance, "administrator")


@pytest.mark.django_db
def test_lead_scope_granted_and_withdrawn_in_the_cms_is_audited(client, administrator, department):
    lead = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD])
    client.force_login(administrator)

    created = client.post(
        "/cms/snippets/organisations/departmentlead/add/",
        {"user": lead.pk, "department": department.pk},
    )
    grant = DepartmentLead.objects.get(user=lead)
    deleted = client.post(f"/cms/snippets/organisations/departmentlead/delete/{grant.pk}/")

    assert (created.status_code, deleted.status_code) == (302, 302)
    assert not DepartmentLead.objects.filter(user=lead).exists()
    scope = {"user": str(lead), "department": "CRS"}
    assert audit_rows("lms.lead_scope.grant") == [
        (administrator.pk, {}, scope, "Content management")
    ]
    assert audit_rows("lms.lead_scope.revoke") == [
        (administrator.pk, scope, {}, "Content management")
    ]


@pytest.mark.django_db
def test_cms_refuses_a_second_grant_of_the_same_department(
    client, administrator, department_lead, department
):
    client.force_login(administrator)

    response = client.post(
        "/cms/snippets/organisations/departmentlead/add/",
        {"user": department_lead.pk, "department": department.pk},
    )

    assert response.status_code == 200
    assert DepartmentLead.objects.filter(user=department_lead).count() == 1
    assert not ModelLogEntry.objects.filter(
        action="lms.lead_scope.grant", user=administrator
    ).exists()
