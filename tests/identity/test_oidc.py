"""Single sign-on against a real OpenID provider (allauth's own, in a second process)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.middleware import MFA_BY_IDENTITY_PROVIDER_SESSION_KEY
from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_role_names
from identity.models import IdentityProvider
from organisations.models import Membership, MembershipSource
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.identity.conftest import PASSWORD
from tests.identity.forging_proxy import ForgingProxy
from tests.identity.oidc import identity_provider_create, oidc_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(db):
    return {
        "CRS": DepartmentFactory(code="CRS", name="Civil Registration"),
        "FIN": DepartmentFactory(code="FIN", name="Finance"),
        "analyst": JobRoleFactory(code="data-analyst", name="Data analyst"),
        "officer": JobRoleFactory(code="service-officer", name="Service officer"),
    }


@pytest.fixture(scope="module")
def forging_proxy(oidc_provider):
    proxy = ForgingProxy(oidc_provider.issuer)
    proxy.start()
    yield proxy
    proxy.stop()


def membership_of(email: str) -> tuple:
    membership = Membership.objects.get(user__email=email)
    return (
        membership.department and membership.department.code,
        membership.job_role and membership.job_role.code,
        membership.employee_number,
        membership.line_manager and membership.line_manager.email,
        membership.source,
    )


def test_first_sign_in_creates_the_account_with_the_mapped_membership(
    client, oidc_provider, organisation
):
    identity_provider_create(oidc_provider.issuer)
    oidc_provider.claims_set(
        {
            "ann@city.example.gov": {
                "department": "CRS",
                "job_role": "Data analyst",
                "employee_number": "E100",
            }
        }
    )

    response = oidc_sign_in(client, email="ann@city.example.gov", password=PASSWORD)

    ann = User.objects.get(email="ann@city.example.gov")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ann.pk)
    assert (ann.first_name, ann.last_name, ann.has_usable_password()) == ("Ann", "Okafor", False)
    assert user_role_names(ann) == {str(Role.LEARNER)}
    assert list(EmailAddress.objects.filter(user=ann).values_list("email", "verified")) == [
        ("ann@city.example.gov", True)
    ]
    assert membership_of("ann@city.example.gov") == (
        "CRS",
        "data-analyst",
        "E100",
        None,
        MembershipSource.IDENTITY_PROVIDER,
    )


def test_second_sign_in_after_the_provider_moves_the_person_moves_them(
    client, oidc_provider, organisation
):
    identity_provider_create(oidc_provider.issuer)
    manager = make_person(email="mo@city.example.gov")
    Membership.objects.create(user=manager, employee_number="E001")
    claims = {"department": "CRS", "job_role": "data-analyst", "manager_employee_number": "E001"}
    oidc_provider.claims_set({"bo@city.example.gov": claims})
    oidc_sign_in(client, email="bo@city.example.gov", password=PASSWORD)
    before = membership_of("bo@city.example.gov")
    client.logout()

    oidc_provider.claims_set({"bo@city.example.gov": {**claims, "department": "FIN"}})
    response = oidc_sign_in(client, email="bo@city.example.gov", password=PASSWORD)

    assert response.status_code == 302
    assert before[:4] == ("CRS", "data-analyst", None, "mo@city.example.gov")
    assert membership_of("bo@city.example.gov")[:4] == (
        "FIN",
        "data-analyst",
        None,
        "mo@city.example.gov",
    )
    assert User.objects.filter(email="bo@city.example.gov").count() == 1
    assert SocialAccount.objects.filter(user__email="bo@city.example.gov").count() == 1


def test_claims_the_provider_no_longer_sends_are_withdrawn(client, oidc_provider, organisation):
    identity_provider_create(oidc_provider.issuer)
    oidc_provider.claims_set(
        {"cy@city.example.gov": {"department": "CRS", "job_role": "Data analyst"}}
    )
    oidc_sign_in(client, email="cy@city.example.gov", password=PASSWORD)
    client.logout()

    oidc_provider.claims_set({"cy@city.example.gov": {"job_role": "Data analyst"}})
    oidc_sign_in(client, email="cy@city.example.gov", password=PASSWORD)

    assert membership_of("cy@city.example.gov")[:2] == (None, "data-analyst")


def test_an_id_token_signed_with_another_key_is_refused(
    client, oidc_provider, forging_proxy, organisation
):
    identity_provider_create(forging_proxy.url, slug="forged")
    oidc_provider.claims_set({"ann@city.example.gov": {"department": "CRS"}})
    forging_proxy.forge = True

    response = oidc_sign_in(client, slug="forged", email="ann@city.example.gov", password=PASSWORD)

    assert response.status_code == 401
    assert "did not give an answer this service could trust" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="ann@city.example.gov").exists()


def test_the_same_hop_passing_the_token_untouched_signs_in(
    client, oidc_provider, forging_proxy, organisation
):
    # The control for the test above: the refusal comes from the signature, not the hop.
    identity_provider_create(forging_proxy.url, slug="forged")
    oidc_provider.claims_set({"ann@city.example.gov": {"department": "CRS"}})
    forging_proxy.forge = False

    response = oidc_sign_in(client, slug="forged", email="ann@city.example.gov", password=PASSWORD)

    assert response.status_code == 302
    assert membership_of("ann@city.example.gov")[0] == "CRS"


def test_a_second_factor_at_the_provider_satisfies_the_mfa_policy(client, oidc_provider):
    identity_provider_create(oidc_provider.issuer)
    make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR], email="bo@city.example.gov")
    oidc_provider.claims_set({"bo@city.example.gov": {"amr": ["pwd", "mfa"]}})

    oidc_sign_in(client, email="bo@city.example.gov", password=PASSWORD)
    page = client.get(reverse("profile"))

    assert client.session[MFA_BY_IDENTITY_PROVIDER_SESSION_KEY] is True
    assert page.status_code == 200


def test_without_a_second_factor_at_the_provider_the_mfa_policy_still_applies(
    client, oidc_provider
):
    identity_provider_create(oidc_provider.issuer)
    make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR], email="bo@city.example.gov")
    oidc_provider.claims_set({"bo@city.example.gov": {"amr": ["pwd"], "acr": "basic"}})

    oidc_sign_in(client, email="bo@city.example.gov", password=PASSWORD)
    page = client.get(reverse("profile"))

    assert MFA_BY_IDENTITY_PROVIDER_SESSION_KEY not in client.session
    assert (page.status_code, page.url) == (302, reverse("mfa_activate_totp") + "?required=1")


def test_an_existing_account_outside_the_providers_domains_is_not_taken_over(client, oidc_provider):
    identity_provider_create(oidc_provider.issuer, email_domains="city.example.gov")
    local = make_person(email="dee@parks.example.gov")

    response = oidc_sign_in(client, email="dee@parks.example.gov", password=PASSWORD)

    assert response.status_code == 403
    assert "An account for dee@parks.example.gov already exists" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=local).exists()


def test_an_existing_account_in_the_providers_domain_is_joined_to_it(client, oidc_provider):
    identity_provider_create(oidc_provider.issuer)
    existing = make_person(email="ann@city.example.gov")

    response = oidc_sign_in(client, email="ann@city.example.gov", password=PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert list(SocialAccount.objects.values_list("user_id", "provider")) == [(existing.pk, "city")]


def test_a_deactivated_account_is_not_signed_in_again(client, oidc_provider, organisation):
    from accounts.services import user_deactivate

    identity_provider_create(oidc_provider.issuer)
    oidc_provider.claims_set({"ann@city.example.gov": {"department": "CRS"}})
    oidc_sign_in(client, email="ann@city.example.gov", password=PASSWORD)
    client.logout()
    user_deactivate(user=User.objects.get(email="ann@city.example.gov"))

    response = oidc_sign_in(client, email="ann@city.example.gov", password=PASSWORD)

    assert response.url == reverse("account_inactive")
    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="ann@city.example.gov").is_active is False


def test_a_provider_switched_off_while_the_person_is_there_signs_nobody_in(client, oidc_provider):
    provider = identity_provider_create(oidc_provider.issuer)

    def switch_off():
        IdentityProvider.objects.filter(pk=provider.pk).update(enabled=False)

    response = oidc_sign_in(
        client, email="ann@city.example.gov", password=PASSWORD, meanwhile=switch_off
    )

    assert response.status_code == 404
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="ann@city.example.gov").exists()
