"""A person sees their place in the organisation and corrects their department and role."""

import pytest
from django.urls import reverse

from organisations.models import Membership
from tests.factories import DepartmentFactory, JobRoleFactory, make_person


@pytest.mark.django_db
def test_profile_shows_email_department_role_and_line_manager(client, learner, department_lead):
    client.force_login(learner)

    html = client.get(reverse("profile")).content.decode()

    assert learner.email in html
    assert str(department_lead) in html
    assert "selected>Civil Registration and Citizen Services (CRS)</option>" in html
    assert "selected>Citizen service officer</option>" in html


@pytest.mark.django_db
def test_person_corrects_their_department_role_and_name(client, learner, department_lead):
    finance = DepartmentFactory(code="FIN", name="Finance")
    analyst = JobRoleFactory(code="data-analyst", name="Data analyst")
    client.force_login(learner)

    response = client.post(
        reverse("profile"),
        {
            "first_name": "Amina",
            "last_name": "Okafor-Bello",
            "department": finance.pk,
            "job_role": analyst.pk,
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=learner)
    assert (membership.department, membership.job_role) == (finance, analyst)
    assert membership.line_manager == department_lead  # not theirs to change
    learner.refresh_from_db()
    assert learner.get_full_name() == "Amina Okafor-Bello"
    assert "Your details have been saved." in client.get(reverse("profile")).content.decode()


@pytest.mark.django_db
def test_person_without_a_membership_gets_one_when_they_save(client):
    person = make_person()
    role = JobRoleFactory()
    client.force_login(person)

    client.post(reverse("profile"), {"first_name": "Lars", "job_role": role.pk})

    assert Membership.objects.get(user=person).job_role == role


@pytest.mark.django_db
def test_tampered_choice_is_refused_and_nothing_changes(client, learner, department):
    client.force_login(learner)

    response = client.post(
        reverse("profile"),
        {"first_name": "Changed", "department": 999999, "job_role": "not-a-number"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["department"] == ["Select a department from the list"]
    assert errors["job_role"] == ["Select a job role from the list"]
    learner.refresh_from_db()
    assert learner.first_name == "Test"
    assert Membership.objects.get(user=learner).department == department


@pytest.mark.django_db
def test_empty_given_name_is_refused(client, learner):
    client.force_login(learner)

    response = client.post(reverse("profile"), {"first_name": "   "})

    assert response.context["form"].errors["first_name"] == ["Enter your given name"]
