"""The organisation's identity providers (OpenID Connect or SAML 2.0) and what their claims mean."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

domain_list_validator = RegexValidator(
    r"^\s*([a-z0-9-]+(\.[a-z0-9-]+)+)(\s*,\s*[a-z0-9-]+(\.[a-z0-9-]+)+)*\s*$",
    "List email domains separated by commas, for example city.example.gov, parks.example.gov.",
)


class IdentityProvider(models.Model):
    """One way to sign in that the organisation runs: its identity is the authority over who a
    person is, where they work and (when it says so) whether they used a second factor."""

    class Protocol(models.TextChoices):
        OIDC = "openid_connect", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    slug = models.SlugField(
        max_length=40, unique=True, help_text=_("Part of the sign-in addresses; keep it stable.")
    )
    name = models.CharField(max_length=100, help_text=_("Shown on the sign-in button."))
    protocol = models.CharField(max_length=20, choices=Protocol.choices)
    enabled = models.BooleanField(default=True)

    # OpenID Connect
    issuer_url = models.URLField(
        blank=True, help_text=_("OpenID Connect: the issuer; discovery is read from it.")
    )
    client_id = models.CharField(max_length=255, blank=True)
    client_secret_encrypted = models.TextField(blank=True, editable=False)

    # SAML 2.0
    metadata_url = models.URLField(
        blank=True, help_text=_("SAML: the identity provider's metadata.")
    )
    entity_id = models.CharField(max_length=255, blank=True)
    sso_url = models.URLField(
        blank=True, help_text=_("SAML: single sign-on address (no metadata).")
    )
    x509_certificate = models.TextField(
        blank=True, help_text=_("SAML: the identity provider's signing certificate (no metadata).")
    )

    email_domains = models.CharField(
        max_length=500,
        blank=True,
        validators=[domain_list_validator],
        help_text=_(
            "People with these email domains must sign in here and never get a password "
            "of their own on this service."
        ),
    )

    # Which claim (OIDC) or attribute (SAML) carries each fact.
    email_claim = models.CharField(max_length=100, default="email")
    given_name_claim = models.CharField(max_length=100, default="given_name")
    family_name_claim = models.CharField(max_length=100, default="family_name")
    department_claim = models.CharField(max_length=100, default="department", blank=True)
    job_role_claim = models.CharField(max_length=100, default="job_role", blank=True)
    line_manager_claim = models.CharField(
        max_length=100,
        default="manager_employee_number",
        blank=True,
        help_text=_("Carries the line manager's employee number."),
    )
    employee_number_claim = models.CharField(max_length=100, default="employee_number", blank=True)
    trusted_mfa_values = models.CharField(
        max_length=255,
        blank=True,
        default="mfa",
        help_text=_(
            "Comma-separated amr or acr values meaning the person used a second factor "
            "at the identity provider; it then counts for the service's MFA policy."
        ),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_protocol_display()})"

    def clean(self) -> None:
        if self.protocol == self.Protocol.OIDC:
            errors = {}
            if not self.issuer_url:
                errors["issuer_url"] = (
                    "Enter the issuer, for example https://login.city.example.gov."
                )
            if not self.client_id:
                errors["client_id"] = "Enter the client ID the identity provider gave this service."
            if not self.client_secret_encrypted:
                errors["client_secret"] = "Enter the client secret the identity provider gave."  # noqa: S105
            if errors:
                raise ValidationError(errors)
        if self.protocol == self.Protocol.SAML:
            if settings.SAML_SIGN_IN_UNAVAILABLE:
                raise ValidationError(
                    {
                        "protocol": "SAML sign-in is not available on this server: "
                        + settings.SAML_SIGN_IN_UNAVAILABLE
                    }
                )
            # Imported here: identity.saml builds on this model.
            from identity.saml import saml_configuration_errors

            errors = saml_configuration_errors(self)
            if errors:
                raise ValidationError(errors)

    def domains(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]
