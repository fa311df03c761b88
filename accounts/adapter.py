"""allauth adapter: who may sign up, with which email domains, and who never gets a password."""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SignInElsewhere:
    """An address whose staff sign in through the organisation's identity provider."""

    provider_name: str
    login_url: str
    domain: str

    @property
    def message(self) -> str:
        return (
            f"Staff with an @{self.domain} email address sign in with {self.provider_name}. "
            "They do not have a password on this service."
        )


@dataclass(frozen=True)
class SiteOfRecord:
    """The site as emails name it (allauth's `current_site`): from SITE_URL, not the request."""

    name: str
    domain: str


def on_site(url: str) -> str:
    """The same address on SITE_URL: links in emails must not follow the request's Host
    header, which whoever asks for the email chooses."""
    parts, site = urlsplit(url), urlsplit(settings.SITE_URL)
    path = parts.path
    if site.path.rstrip("/") and not path.startswith(site.path.rstrip("/") + "/"):
        path = site.path.rstrip("/") + path
    return urlunsplit((site.scheme, site.netloc, path, parts.query, parts.fragment))


def sign_in_elsewhere(email: str, request: HttpRequest | None = None) -> SignInElsewhere | None:
    """The identity provider that answers for this address, if any. Accounts knows nothing of
    identity providers: the callable named by ACCOUNT_PASSWORD_SIGN_IN_REFUSAL does."""
    lookup = getattr(settings, "ACCOUNT_PASSWORD_SIGN_IN_REFUSAL", "")
    if not lookup or "@" not in (email or ""):
        return None
    return import_string(lookup)(email, request)


class AccountAdapter(DefaultAccountAdapter):
    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Every mail allauth sends passes here: its links (activate_url, password_reset_url,
        # signup_url, ...) and the site it names are put on SITE_URL.
        context = {
            name: on_site(value)
            if name.endswith("_url") and isinstance(value, str) and value
            else value
            for name, value in context.items()
        }
        context["current_site"] = SiteOfRecord(
            name=settings.SERVICE_NAME, domain=urlsplit(settings.SITE_URL).netloc
        )
        # Every email is signed with the service's name and address.
        context["site_url"] = settings.SITE_URL
        super().send_mail(template_prefix, email, context)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return getattr(settings, "ACCOUNT_SIGNUP_OPEN", True)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).strip().lower()
        allowed = getattr(settings, "ACCOUNT_ALLOWED_SIGNUP_DOMAINS", [])
        domain = email.rsplit("@", 1)[-1]
        if allowed and domain not in allowed:
            raise forms.ValidationError(
                "Use your work email address. Accounts can be created for: "
                + ", ".join(f"@{name}" for name in allowed)
                + "."
            )
        return email

    def clean_password(self, password: str, user=None) -> str:
        # Setting, changing or resetting the password of an existing account (signup refuses
        # such an address on its email field instead).
        if user is not None and user.pk is not None:
            elsewhere = sign_in_elsewhere(user.email, self.request)
            if elsewhere is not None:
                raise forms.ValidationError(elsewhere.message)
        return super().clean_password(password, user=user)
