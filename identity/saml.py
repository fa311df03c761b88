"""SAML 2.0: allauth apps for identity providers, signed assertions required, attributes read."""

import base64
import logging

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from cryptography import x509
from django.conf import settings
from django.urls import reverse

from identity.claims import IdentityClaims, text_claim
from identity.models import IdentityProvider

if not settings.SAML_SIGN_IN_AVAILABLE:
    # The adapter skips a protocol whose module cannot be imported; the site runs without it.
    raise ImportError(settings.SAML_SIGN_IN_UNAVAILABLE)

logger = logging.getLogger(__name__)

EMAIL_NAME_ID = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
# Attributes some identity providers use to list how the person authenticated, besides the
# AuthnContextClassRef: Microsoft Entra ID's, and the OpenID Connect claim's name.
AUTHN_METHOD_ATTRIBUTES = ("http://schemas.microsoft.com/claims/authnmethodsreferences", "amr")


def saml_configuration_errors(provider: IdentityProvider) -> dict[str, str]:
    """What an administrator must still enter for a SAML provider, by field; empty when done."""
    if provider.metadata_url:
        required = {}
    else:
        required = {
            "entity_id": "Enter the identity provider's entity ID, or its metadata address.",
            "sso_url": "Enter the identity provider's single sign-on address, or its metadata "
            "address.",
            "x509_certificate": "Paste the identity provider's signing certificate, or enter "
            "its metadata address.",
        }
    errors = {field: message for field, message in required.items() if not getattr(provider, field)}
    if provider.x509_certificate and not _certificate_loads(provider.x509_certificate):
        errors["x509_certificate"] = (
            "This is not an X.509 certificate. Paste it in PEM form, from -----BEGIN "
            "CERTIFICATE----- to -----END CERTIFICATE-----."
        )
    return errors


def _certificate_loads(text: str) -> bool:
    body = "".join(
        line.strip() for line in text.strip().splitlines() if "CERTIFICATE-----" not in line
    )
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except ValueError:  # binascii.Error is a ValueError too
        return False
    return True


def social_app_for(provider: IdentityProvider) -> SocialApp:
    """An unsaved allauth app: sign-in at /accounts/saml/<slug>/login/, our metadata at
    /accounts/saml/<slug>/metadata/, assertions received at /accounts/saml/<slug>/acs/."""
    if provider.metadata_url:
        idp = {
            "metadata_url": provider.metadata_url,
            # allauth reads the key; None takes the metadata's only identity provider.
            "entity_id": provider.entity_id or None,
            "metadata_request_timeout": 10,
        }
    else:
        idp = {
            "entity_id": provider.entity_id,
            "sso_url": provider.sso_url,
            "x509cert": provider.x509_certificate,
        }
    metadata_path = reverse("saml_metadata", kwargs={"organization_slug": provider.slug})
    return SocialApp(
        provider=IdentityProvider.Protocol.SAML,
        provider_id=provider.slug,
        client_id=provider.slug,
        name=provider.name,
        settings={
            "identity_provider": provider.pk,
            "idp": idp,
            # Our entity id is built from SITE_URL, never from the request's Host header, so
            # the identity provider sees one stable name for this service.
            "sp": {"entity_id": f"{settings.SITE_URL}{metadata_path}"},
            "attribute_mapping": {
                field: [name]
                for field, name in (
                    ("email", provider.email_claim),
                    ("first_name", provider.given_name_claim),
                    ("last_name", provider.family_name_claim),
                )
                if name
            },
            "advanced": {
                "strict": True,
                # The assertion carries who the person is: it must be signed by the key the
                # identity provider published. A signed message around an unsigned assertion
                # is not enough; an unsigned message around a signed assertion is (Microsoft
                # Entra ID's default).
                "want_assertion_signed": True,
                "want_message_signed": False,
                "want_name_id": True,
                "want_attribute_statement": True,
                "reject_deprecated_algorithm": True,
                "reject_idp_initiated_sso": True,
                "allow_repeat_attribute_name": True,
                # Only how our own addresses are validated: intranet hosts and localhost.
                "allow_single_label_domains": True,
            },
        },
    )


def saml_claims(provider: IdentityProvider, sociallogin: SocialLogin) -> IdentityClaims:
    """The attributes of a verified assertion, read with the provider's attribute names."""
    data = sociallogin.account.extra_data or {}
    attributes = data.get("attributes") or {}

    def attribute(name: str) -> str:
        return text_claim(attributes.get(name)) if name else ""

    email = attribute(provider.email_claim)
    if not email and data.get("name_id_format") == EMAIL_NAME_ID:
        email = text_claim(data.get("name_id"))
    return IdentityClaims(
        email=email,
        given_name=attribute(provider.given_name_claim),
        family_name=attribute(provider.family_name_claim),
        department=attribute(provider.department_claim),
        job_role=attribute(provider.job_role_claim),
        line_manager_employee_number=attribute(provider.line_manager_claim),
        employee_number=attribute(provider.employee_number_claim),
        mfa_used=_mfa_used(provider, data),
    )


def _mfa_used(provider: IdentityProvider, data: dict) -> bool:
    trusted = {value.strip() for value in provider.trusted_mfa_values.split(",") if value.strip()}
    asserted = {str(value) for value in data.get("authn_contexts") or []}
    attributes = data.get("attributes") or {}
    for name in AUTHN_METHOD_ATTRIBUTES:
        asserted.update(str(value) for value in attributes.get(name) or [])
    return bool(trusted & asserted)


class IdentitySAMLProvider(SAMLProvider):
    """allauth's SAML provider, keeping what the assertion says about how the person signed in
    (AuthnContextClassRef) beside the attributes, and answering an unreachable or broken
    metadata address with the sign-in error page instead of a server error."""

    # allauth finds a provider's URLs in its package; these are allauth's own SAML views.
    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data) -> dict:
        return {
            "attributes": data.get_attributes(),
            "authn_contexts": data.get_last_authn_contexts(),
            "name_id": data.get_nameid(),
            "name_id_format": data.get_nameid_format(),
        }

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        from onelogin.saml2.errors import OneLogin_Saml2_Error

        try:
            return super().redirect(request, process, next_url, data, **kwargs)
        except (OSError, ValueError, KeyError, OneLogin_Saml2_Error) as problem:
            # OSError covers the metadata address being unreachable (URLError, timeouts).
            logger.warning("SAML sign-in with %s could not start: %s", self.app.name, problem)
            return render_authentication_error(request, self, exception=problem)
