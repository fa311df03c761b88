"""A person sees their place in the organisation and corrects their department and role."""

import pytest
from django.urls import reverse

from organisations.models import Membership, MembershipRequest
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.html import summary, texts


@pytest.mark.django_db
def test_profile_shows_email_department_role_and_line_manager(client, learner, department_lead):
    client.force_login(learner)

    html = client.get(reverse("profile")).content.decode()

    assert summary(html) == {
        "Email address": learner.email,
        "Line manager": str(department_lead),
        "Password": "Hidden",
        "Two-factor authentication": "Protects your account if your password is stolen.",
        "Department": "Civil Registration and Citizen Services (CRS)",
        "Job role": "Citizen service officer",
    }
    assert texts(html, "//select[@name='department']/option[@selected]") == [
        "Civil Registration and Citizen Services (CRS)"
    ]
    assert texts(html, "//select[@name='job_role']/option[@selected]") == [
        "Citizen service officer"
    ]


@pytest.mark.django_db
def test_own_correction_waits_for_approval_and_the_name_is_saved(
    client, learner, department, job_role, department_lead
):
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
            "reason": "Moved on 1 March",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=learner)
    assert (membership.department, membership.job_role) == (department, job_role)
    assert membership.line_manager == department_lead
    learner.refresh_from_db()
    assert learner.get_full_name() == "Amina Okafor-Bello"
    request = MembershipRequest.objects.get(user=learner)
    assert (request.department, request.job_role, request.reason, request.status) == (
        finance,
        analyst,
        "Moved on 1 March",
        MembershipRequest.Status.PENDING,
    )
    html = client.get(reverse("profile")).content.decode()
    assert texts(html, "//div[contains(@class, 'govuk-notification-banner__content')]") == [
        "Your name has been saved. Your line manager or an administrator will check the change "
        "to your department and job role before it takes effect."
    ]
    asked = request.created_at
    assert texts(html, "//div[@id='pending-correction']") == [
        "You asked to change your department to Finance (FIN) and your job role to Data analyst "
        f"on {asked.day} {asked:%B %Y}. Your line manager or an administrator will check it "
        "before it takes effect."
    ]
    assert summary(html)["Department"] == "Civil Registration and Citizen Services (CRS)"


@pytest.mark.django_db
def test_saving_the_same_place_asks_for_nothing(client, learner, department, job_role):
    client.force_login(learner)

    client.post(
        reverse("profile"),
        {"first_name": "Amina", "department": department.pk, "job_role": job_role.pk},
    )

    assert MembershipRequest.objects.filter(user=learner).count() == 0
    assert "Your details have been saved." in client.get(reverse("profile")).content.decode()


@pytest.mark.django_db
def test_a_newer_correction_replaces_the_pending_one(client, learner):
    first, second = JobRoleFactory(name="Planner"), JobRoleFactory(name="Data analyst")
    client.force_login(learner)

    for role in (first, second):
        client.post(reverse("profile"), {"first_name": "Amina", "job_role": role.pk})

    statuses = list(
        MembershipRequest.objects.filter(user=learner)
        .order_by("created_at", "pk")
        .values_list("job_role__name", "status")
    )
    assert statuses == [("Planner", "withdrawn"), ("Data analyst", "pending")]


@pytest.mark.django_db
def test_person_without_a_membership_asks_for_one(client):
    person = make_person()
    role = JobRoleFactory()
    client.force_login(person)

    client.post(reverse("profile"), {"first_name": "Lars", "job_role": role.pk})

    assert not Membership.objects.filter(user=person).exists()
    assert MembershipRequest.objects.get(user=person).job_role == role


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
