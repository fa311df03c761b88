"""After their first sign-in, a person who signed themselves up is asked once for their department
and job role. Their answer waits for approval like any correction; skipping is remembered."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import FirstSteps, User
from accounts.services import user_create
from organisations.models import Membership, MembershipRequest
from organisations.services import membership_set
from tests.factories import PASSWORD, DepartmentFactory, JobRoleFactory
from tests.html import heading, texts

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "first_name": "Noor",
    "last_name": "Haddad",
    "email": "noor.haddad@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}
WELCOME = reverse("first_steps")


@pytest.fixture
def organisation():
    return {
        "CRS": DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services"),
        "FIN": DepartmentFactory(code="FIN", name="Finance"),
        "analyst": JobRoleFactory(code="data-analyst", name="Data analyst"),
    }


def sign_up_and_confirm(client) -> object:
    """The response to confirming the address, which signs the person in."""
    client.post(reverse("account_signup"), SIGN_UP)
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[-1].body)[1]
    return client.post(reverse("account_confirm_email", args=[key]))


def sign_in(client, email, password, next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


def noor() -> User:
    return User.objects.get(email=SIGN_UP["email"])


def test_signing_up_leads_to_the_question_straight_after_the_first_sign_in(client, organisation):
    response = sign_up_and_confirm(client)

    assert (response.status_code, response.url) == (302, f"{WELCOME}?next=%2F")
    assert noor().first_steps == FirstSteps.DUE
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert heading(html) == "Tell us where you work"
    assert texts(html, "//select[@name='department']/option") == [
        "Choose your department",
        "Civil Registration and Citizen Services (CRS)",
        "Finance (FIN)",
    ]
    assert texts(html, "//select[@name='department']/option[@value='CRS']") == [
        "Civil Registration and Citizen Services (CRS)"
    ]
    assert texts(html, "//select[@name='job_role']/option") == [
        "Choose your job role",
        "Data analyst",
    ]
    assert texts(html, "//select[@name='job_role']/option[@value='data-analyst']") == [
        "Data analyst"
    ]
    assert len(texts(html, "//main//input[@type='hidden'][@name='next'][@value='/']")) == 1


def test_the_answer_becomes_a_correction_to_approve_and_is_not_asked_again(client, organisation):
    sign_up_and_confirm(client)

    response = client.post(
        WELCOME, {"department": "FIN", "job_role": "data-analyst", "action": "save", "next": "/"}
    )

    assert (response.status_code, response.url) == (302, "/")
    # The person's own word places them nowhere until someone with authority approves it.
    assert Membership.objects.filter(user=noor()).exists() is False
    assert list(
        MembershipRequest.objects.values_list("user__email", "department__code", "job_role__code")
    ) == [("noor.haddad@example.org", "FIN", "data-analyst")]
    assert MembershipRequest.objects.get().status == MembershipRequest.Status.PENDING
    assert noor().first_steps == FirstSteps.ANSWERED
    assert client.get(WELCOME).url == "/"
    client.logout()
    assert sign_in(client, SIGN_UP["email"], SIGN_UP["password1"]).url == "/"


def test_skipping_is_remembered_and_writes_no_correction(client, organisation):
    sign_up_and_confirm(client)

    response = client.post(WELCOME, {"action": "skip", "next": "/courses/"})

    assert (response.status_code, response.url) == (302, "/courses/")
    assert noor().first_steps == FirstSteps.SKIPPED
    assert MembershipRequest.objects.exists() is False
    client.logout()
    assert sign_in(client, SIGN_UP["email"], SIGN_UP["password1"]).url == "/"


@pytest.mark.parametrize(
    ("answer", "errors"),
    [
        (
            {"department": "NOPE", "job_role": "data-analyst"},
            ["Select your department from the list"],
        ),
        ({"department": "FIN", "job_role": "astronaut"}, ["Select your job role from the list"]),
        (
            {"department": "", "job_role": ""},
            ["Select your department or your job role, or skip this question"],
        ),
    ],
)
def test_an_unknown_department_or_job_role_is_an_error_and_nothing_is_written(
    client, organisation, answer, errors
):
    sign_up_and_confirm(client)

    response = client.post(WELCOME, {**answer, "action": "save", "next": "/"})

    assert response.status_code == 400
    assert [str(e) for field in response.context["form"] for e in field.errors] == errors
    html = response.content.decode()
    assert texts(html, "//title") == [
        "Error: Tell us where you work \u2013 Digital Capacity Academy"
    ]
    assert texts(html, "//div[contains(@class, 'govuk-error-summary')]//li") == errors
    assert MembershipRequest.objects.exists() is False
    assert noor().first_steps == FirstSteps.DUE


def test_the_question_waits_for_the_page_the_person_was_going_to(client, organisation):
    user_create(
        email="amina@example.org",
        password=PASSWORD,
        first_name="Amina",
        email_verified=True,
        first_steps=FirstSteps.DUE,
    )

    response = sign_in(client, "amina@example.org", PASSWORD, next_url="/courses/")

    assert response.url == f"{WELCOME}?next=%2Fcourses%2F"
    answered = client.post(
        WELCOME, {"department": "CRS", "job_role": "", "action": "save", "next": "/courses/"}
    )
    assert answered.url == "/courses/"


def test_only_addresses_on_this_site_are_followed_afterwards(client, organisation):
    sign_up_and_confirm(client)

    response = client.post(WELCOME, {"action": "skip", "next": "https://elsewhere.example/"})

    assert response.url == "/"


def test_accounts_made_by_an_authority_are_never_asked(client, organisation):
    # An administrator's, the roster's or SCIM's accounts: user_create's default.
    user_create(email="placed@example.org", password=PASSWORD, first_name="P", email_verified=True)

    assert sign_in(client, "placed@example.org", PASSWORD).url == "/"
    assert client.get(WELCOME).url == "/"


def test_a_person_placed_by_an_authority_before_signing_in_is_not_asked(client, organisation):
    sign_up_and_confirm(client)
    client.logout()
    membership_set(
        user=noor(), department=organisation["CRS"], job_role=None, source="roster", via="roster"
    )

    assert sign_in(client, SIGN_UP["email"], SIGN_UP["password1"]).url == "/"
    assert noor().first_steps == FirstSteps.NOT_ASKED
    assert client.post(WELCOME, {"department": "FIN", "action": "save"}).url == "/"
    assert MembershipRequest.objects.exists() is False


def test_the_question_needs_a_signed_in_person(client):
    response = client.get(WELCOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
