"""SAML 2.0 sign-in against a real identity provider (pysaml2) on loopback; signatures checked."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings
from django.test import Client

from accounts.middleware import MFA_BY_IDENTITY_PROVIDER_SESSION_KEY
from accounts.models import User
from accounts.roles import Role
from identity.claims import IdentityClaims
from identity.saml import (
    IdentitySAMLProvider,
    saml_claims,
    saml_configuration_errors,
    social_app_for,
)
from organisations.models import Membership, MembershipSource
from organisations.services import membership_set
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.identity.saml_flow import (
    MULTI_FACTOR,
    browser,
    city_directory,
    directory,
    directory_reset,
    idp_sign_in,
    saml_response_post,
    saml_sign_in,
    service_provider_register,
)
from tests.peers import saml_idp_peer


@pytest.fixture(scope="module")
def saml_idp(tmp_path_factory):
    idp = saml_idp_peer.start(tmp_path_factory.mktemp("saml-idp"), directory())
    yield idp
    idp.stop()


@pytest.fixture
def city(db, saml_idp):
    """The organisation as the directory describes it, and the directory as our provider."""
    directory_reset(saml_idp)
    departments = {
        code: DepartmentFactory(code=code, name=name)
        for code, name in [("ENV", "Environment"), ("FIN", "Finance")]
    }
    analyst = JobRoleFactory(code="data-analyst", name="Data analyst")
    manager = make_person(email="manager@city.example.gov", department=departments["ENV"])
    membership_set(
        user=manager, department=departments["ENV"], job_role=None, employee_number="1000"
    )
    provider = city_directory(saml_idp)
    client = browser()
    service_provider_register(saml_idp, provider, client)
    yield {
        "provider": provider,
        "client": client,
        "departments": departments,
        "analyst": analyst,
        "manager": manager,
    }
    directory_reset(saml_idp)


def membership_facts(email: str) -> dict:
    membership = Membership.objects.select_related("department", "job_role", "line_manager").get(
        user__email=email
    )
    return {
        "department": membership.department.code if membership.department else None,
        "job_role": membership.job_role.code if membership.job_role else None,
        "employee_number": membership.employee_number,
        "line_manager": membership.line_manager.email if membership.line_manager else None,
        "source": membership.source,
    }


def signed_in_email(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).email if user_id else None


def test_first_saml_sign_in_creates_the_account_with_the_directory_membership(city):
    response = saml_sign_in(city["client"], city["provider"], "ada", "ada-pass-1")

    assert (response.status_code, response["Location"]) == (302, settings.LOGIN_REDIRECT_URL)
    assert signed_in_email(city["client"]) == "ada.lovelace@city.example.gov"
    ada = User.objects.get(email="ada.lovelace@city.example.gov")
    assert (ada.first_name, ada.last_name, ada.has_usable_password()) == ("Ada", "Lovelace", False)
    assert membership_facts(ada.email) == {
        "department": "ENV",
        "job_role": "data-analyst",
        "employee_number": "1001",
        "line_manager": "manager@city.example.gov",
        "source": MembershipSource.IDENTITY_PROVIDER,
    }
    link = SocialAccount.objects.get(user=ada)
    assert (link.provider, link.uid) == ("city-directory", "p-1001")


def test_second_saml_sign_in_after_the_directory_moves_the_person_moves_their_membership(
    city, saml_idp
):
    saml_sign_in(city["client"], city["provider"], "ada", "ada-pass-1")
    saml_idp.person_update("ada", ou="FIN", title="", employeeNumber="1001")

    later = browser()
    response = saml_sign_in(later, city["provider"], "ada", "ada-pass-1")

    assert (response.status_code, signed_in_email(later)) == (302, "ada.lovelace@city.example.gov")
    assert User.objects.filter(email__iendswith="@city.example.gov").count() == 2
    assert membership_facts("ada.lovelace@city.example.gov") == {
        "department": "FIN",
        "job_role": None,
        "employee_number": "1001",
        "line_manager": "manager@city.example.gov",
        "source": MembershipSource.IDENTITY_PROVIDER,
    }


@pytest.mark.parametrize(
    ("signing", "reason"),
    [
        ("wrong-key", "Signature validation failed. SAML Response rejected"),
        ("unsigned", "The Assertion of the Response is not signed and the SP require it"),
        (
            "sha1",
            "Deprecated signature algorithm found: http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        ),
    ],
)
def test_saml_response_not_signed_by_the_published_key_is_refused(city, saml_idp, signing, reason):
    saml_idp.signing_set(signing)

    response = saml_sign_in(city["client"], city["provider"], "ada", "ada-pass-1")

    assert response.status_code == 401
    assert response.context["saml_last_error_reason"] == reason
    assert signed_in_email(city["client"]) is None
    assert not User.objects.filter(email="ada.lovelace@city.example.gov").exists()


def test_saml_assertion_rewritten_after_signing_is_refused_and_changes_nothing(city, saml_idp):
    saml_sign_in(city["client"], city["provider"], "ada", "ada-pass-1")
    saml_idp.signing_set("tampered", department="FIN")

    later = browser()
    response = saml_sign_in(later, city["provider"], "ada", "ada-pass-1")

    assert response.status_code == 401
    assert response.context["saml_last_error_reason"] == (
        "Signature validation failed. SAML Response rejected"
    )
    assert signed_in_email(later) is None
    assert membership_facts("ada.lovelace@city.example.gov")["department"] == "ENV"


def test_saml_response_replayed_is_refused(city):
    client = city["client"]
    answer = idp_sign_in(client, city["provider"], "ada", "ada-pass-1")
    first = saml_response_post(client, answer.action, answer.fields)
    assert first.status_code == 302

    thief = browser()
    replayed = saml_response_post(thief, answer.action, answer.fields)

    # The response answers a request that only the first browser's session made, once.
    assert replayed.status_code == 403
    assert signed_in_email(thief) is None
    client.logout()
    assert saml_response_post(client, answer.action, answer.fields).status_code == 403
    assert signed_in_email(client) is None


def test_saml_sign_in_with_a_second_factor_at_the_directory_satisfies_the_mfa_policy(city):
    # Administrators must use two-factor authentication (the security policy's default).
    make_person(roles=(Role.ADMINISTRATOR,), email="grace.hopper@city.example.gov")
    client = city["client"]

    response = saml_sign_in(client, city["provider"], "grace", "grace-pass-1", code="135791")

    assert (response.status_code, response["Location"]) == (302, settings.LOGIN_REDIRECT_URL)
    assert client.session[MFA_BY_IDENTITY_PROVIDER_SESSION_KEY] is True
    assert client.get("/").status_code == 200


def test_saml_sign_in_with_a_password_only_leaves_the_mfa_policy_to_this_service(city):
    make_person(roles=(Role.ADMINISTRATOR,), email="grace.hopper@city.example.gov")
    client = city["client"]

    saml_sign_in(client, city["provider"], "grace", "grace-pass-1")

    assert MFA_BY_IDENTITY_PROVIDER_SESSION_KEY not in client.session
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, "/accounts/2fa/totp/activate/?required=1")


def test_saml_sign_in_works_from_entity_id_address_and_certificate_without_metadata(city, saml_idp):
    provider = city["provider"]
    provider.metadata_url = ""
    provider.entity_id = saml_idp.entity_id
    provider.sso_url = saml_idp.sso_url
    provider.x509_certificate = saml_idp.certificate
    provider.save()

    response = saml_sign_in(city["client"], provider, "ada", "ada-pass-1")

    assert (response.status_code, signed_in_email(city["client"])) == (
        302,
        "ada.lovelace@city.example.gov",
    )


def test_saml_sign_in_with_an_unreachable_metadata_address_shows_the_error_page(city):
    provider = city["provider"]
    provider.metadata_url = f"http://127.0.0.1:{saml_idp_peer.free_port()}/metadata"
    provider.save()

    response = city["client"].post(f"/accounts/saml/{provider.slug}/login/")

    assert response.status_code == 401
    assert signed_in_email(city["client"]) is None


def test_our_saml_metadata_names_this_service_from_site_url(city):
    metadata = city["client"].get("/accounts/saml/city-directory/metadata/").content.decode()

    assert f'entityID="{settings.SITE_URL}/accounts/saml/city-directory/metadata/"' in metadata
    assert 'Location="http://testserver/accounts/saml/city-directory/acs/"' in metadata


def test_social_app_for_a_saml_provider_requires_a_signed_assertion(city, saml_idp):
    app = social_app_for(city["provider"])

    assert (app.pk, app.provider, app.provider_id, app.client_id, app.name) == (
        None,
        "saml",
        "city-directory",
        "city-directory",
        "City directory",
    )
    assert app.settings == {
        "identity_provider": city["provider"].pk,
        "idp": {
            "metadata_url": saml_idp.metadata_url,
            "entity_id": None,
            "metadata_request_timeout": 10,
        },
        "sp": {"entity_id": f"{settings.SITE_URL}/accounts/saml/city-directory/metadata/"},
        "attribute_mapping": {
            "email": ["urn:oid:0.9.2342.19200300.100.1.3"],
            "first_name": ["urn:oid:2.5.4.42"],
            "last_name": ["urn:oid:2.5.4.4"],
        },
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "want_message_signed": False,
            "want_name_id": True,
            "want_attribute_statement": True,
            "reject_deprecated_algorithm": True,
            "reject_idp_initiated_sso": True,
            "allow_repeat_attribute_name": True,
            "allow_single_label_domains": True,
        },
    }


def sociallogin_with(provider, extra_data: dict) -> SocialLogin:
    return SocialLogin(
        account=SocialAccount(provider=provider.slug, uid="p-9", extra_data=extra_data)
    )


def test_saml_claims_read_the_configured_attribute_names_and_the_authentication_context(city):
    sociallogin = sociallogin_with(
        city["provider"],
        {
            "attributes": {
                "urn:oid:0.9.2342.19200300.100.1.3": [" Ada.Lovelace@city.example.gov "],
                "urn:oid:2.5.4.42": ["Ada"],
                "urn:oid:2.5.4.4": ["Lovelace"],
                "urn:oid:2.5.4.11": ["ENV", "FIN"],
                "urn:oid:2.5.4.12": ["Data analyst"],
                "urn:oid:2.16.840.1.113730.3.1.3": ["1001"],
                "managerEmployeeNumber": ["1000"],
            },
            "authn_contexts": [MULTI_FACTOR],
            "name_id": "p-1001",
            "name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        },
    )

    assert saml_claims(city["provider"], sociallogin) == IdentityClaims(
        email="Ada.Lovelace@city.example.gov",
        given_name="Ada",
        family_name="Lovelace",
        department="ENV",
        job_role="Data analyst",
        line_manager_employee_number="1000",
        employee_number="1001",
        mfa_used=True,
    )


def test_saml_claims_take_the_email_from_an_email_name_id_and_mfa_from_entra_methods(city):
    provider = city["provider"]
    provider.trusted_mfa_values = "http://schemas.microsoft.com/claims/multipleauthn"
    sociallogin = sociallogin_with(
        provider,
        {
            "attributes": {
                "http://schemas.microsoft.com/claims/authnmethodsreferences": [
                    "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
                    "http://schemas.microsoft.com/claims/multipleauthn",
                ]
            },
            "authn_contexts": ["urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"],
            "name_id": "ada.lovelace@city.example.gov",
            "name_id_format": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        },
    )

    assert saml_claims(provider, sociallogin) == IdentityClaims(
        email="ada.lovelace@city.example.gov", mfa_used=True
    )


def test_saml_claims_of_a_password_only_sign_in_say_no_second_factor(city):
    sociallogin = sociallogin_with(
        city["provider"],
        {
            "attributes": {"urn:oid:0.9.2342.19200300.100.1.3": ["ada.lovelace@city.example.gov"]},
            "authn_contexts": ["urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"],
        },
    )

    assert saml_claims(city["provider"], sociallogin) == IdentityClaims(
        email="ada.lovelace@city.example.gov", mfa_used=False
    )


def test_saml_provider_class_is_the_one_allauth_uses(city):
    app = social_app_for(city["provider"])

    assert type(app.get_provider(None)) is IdentitySAMLProvider


def test_saml_configuration_with_a_metadata_address_is_complete(city):
    assert saml_configuration_errors(city["provider"]) == {}


def test_saml_configuration_without_metadata_needs_entity_address_and_certificate(city):
    provider = city["provider"]
    provider.metadata_url = ""

    assert saml_configuration_errors(provider) == {
        "entity_id": "Enter the identity provider's entity ID, or its metadata address.",
        "sso_url": "Enter the identity provider's single sign-on address, or its metadata address.",
        "x509_certificate": "Paste the identity provider's signing certificate, or enter its "
        "metadata address.",
    }


def test_saml_configuration_takes_a_certificate_with_or_without_its_pem_lines(city, saml_idp):
    provider = city["provider"]
    provider.metadata_url = ""
    provider.entity_id, provider.sso_url = saml_idp.entity_id, saml_idp.sso_url
    pem = saml_idp.certificate
    bare = "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)

    for certificate in (pem, bare):
        provider.x509_certificate = certificate
        assert saml_configuration_errors(provider) == {}


@pytest.mark.parametrize("certificate", ["not a certificate", "TUlJQw==", "-----BEGIN CERT"])
def test_saml_configuration_refuses_text_that_is_not_a_certificate(city, saml_idp, certificate):
    provider = city["provider"]
    provider.x509_certificate = certificate

    assert saml_configuration_errors(provider) == {
        "x509_certificate": "This is not an X.509 certificate. Paste it in PEM form, from "
        "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."
    }
