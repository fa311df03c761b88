"""A first sign-in through the organisation's identity provider asks for the person's department
and job role only when the provider did not give them."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import FirstSteps, User
from organisations.models import Membership, MembershipRequest
from tests.factories import DepartmentFactory, JobRoleFactory
from tests.identity.saml_flow import (
    browser,
    city_directory,
    directory,
    directory_reset,
    saml_sign_in,
    service_provider_register,
)
from tests.peers import saml_idp_peer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def saml_idp(tmp_path_factory):
    idp = saml_idp_peer.start(tmp_path_factory.mktemp("saml-idp"), directory())
    yield idp
    idp.stop()


@pytest.fixture
def organisation(db, saml_idp):
    directory_reset(saml_idp)
    DepartmentFactory(code="ENV", name="Environment")
    JobRoleFactory(code="data-analyst", name="Data analyst")
    yield
    directory_reset(saml_idp)


def first_sign_in(saml_idp, **provider_fields):
    provider = city_directory(saml_idp, **provider_fields)
    client = browser()
    service_provider_register(saml_idp, provider, client)
    return client, saml_sign_in(client, provider, "ada", "ada-pass-1")


def test_a_provider_that_gives_the_place_means_no_question(saml_idp, organisation):
    client, response = first_sign_in(saml_idp)

    assert (response.status_code, response["Location"]) == (302, settings.LOGIN_REDIRECT_URL)
    ada = User.objects.get(email="ada.lovelace@city.example.gov")
    assert ada.first_steps == FirstSteps.NOT_ASKED
    assert client.get(reverse("first_steps")).url == settings.LOGIN_REDIRECT_URL


def test_a_provider_that_does_not_give_the_place_leads_to_the_question(saml_idp, organisation):
    client, response = first_sign_in(saml_idp, department_claim="", job_role_claim="")

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('first_steps')}?next=%2F",
    )
    ada = User.objects.get(email="ada.lovelace@city.example.gov")
    assert ada.first_steps == FirstSteps.DUE
    answered = client.post(
        reverse("first_steps"), {"department": "ENV", "job_role": "data-analyst", "next": "/"}
    )
    assert answered.url == "/"
    membership = Membership.objects.get(user=ada)
    assert (membership.department, membership.job_role) == (None, None)
    assert list(MembershipRequest.objects.values_list("department__code", "job_role__code")) == [
        ("ENV", "data-analyst")
    ]
