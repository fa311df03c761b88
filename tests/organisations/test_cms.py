"""Administrators edit the organisation and the security policy in the CMS, with history."""

import pytest
from wagtail.models import ModelLogEntry

from accounts.models import SecurityPolicy
from organisations.models import Department, Membership
from tests.factories import make_person


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
    assert "Use 2 to 20 capital letters" in response.content.decode()
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
    assert "This would make a loop of line managers." in response.content.decode()
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
    assert "Wanjiru Kamau" in html
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
