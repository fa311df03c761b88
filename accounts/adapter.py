"""allauth adapter: who may sign up, with which email domains, and who never gets a password."""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_login_redirect_url
from allauth.core.internal.httpkit import is_headless_request
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import FirstSteps


@dataclass(frozen=True)
class SignInElsewhere:
    """An address whose staff sign in through the organisation's identity provider."""

    provider_name: str
    login_url: str
    domain: str

    @property
    def message(self) -> str:
        return gettext(
            "Staff with an @%(domain)s email address sign in with %(provider)s. "
            "They do not have a password on this service."
        ) % {"domain": self.domain, "provider": self.provider_name}


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


def first_sign_in_step(request: HttpRequest, user) -> str | None:
    """Where a person asked something after their first sign-in goes before anything else, or
    None. Accounts knows nothing of the organisation: the callable named by
    ACCOUNT_FIRST_SIGN_IN_STEP decides (it may find the question already answered)."""
    lookup = getattr(settings, "ACCOUNT_FIRST_SIGN_IN_STEP", "")
    if not lookup or getattr(user, "first_steps", "") != FirstSteps.DUE:
        return None
    return import_string(lookup)(request, user)


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages in the service's voice: what happened and what to do, in UK English.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is closed. Ask your administrator to reopen it."),
        "cannot_remove_primary_email": _("You cannot remove your main email address"),
        "duplicate_email": _("This email address is already on your account"),
        "email_password_mismatch": _(
            "The email address or password is not right. Check them and try again."
        ),
        "email_taken": _(
            "An account already uses this email address. Sign in, or reset your password "
            "if you have forgotten it."
        ),
        "enter_current_password": _("Enter your current password"),
        "incorrect_code": _("The code is not right. Check it and try again."),
        "incorrect_password": _("The password is not right"),
        "invalid_or_expired_key": _(
            "This link has expired or has already been used. Ask for a new one."
        ),
        "invalid_password_reset": _(
            "This link has expired or has already been used. Ask for a new one."
        ),
        "too_many_login_attempts": _(
            "You have tried to sign in too many times. Wait a few minutes and try again."
        ),
        "unverified_primary_email": _("Confirm your main email address first"),
    }

    def new_user(self, request: HttpRequest):
        # Someone signing themselves up is asked for their place after their first sign-in.
        user = super().new_user(request)
        user.first_steps = FirstSteps.DUE
        return user

    def post_login(self, request: HttpRequest, user, *, redirect_url, signup, **kwargs):
        step = None if is_headless_request(request) else first_sign_in_step(request, user)
        if step:
            # The question comes first; the page the person was going to comes after it.
            then = get_login_redirect_url(request, redirect_url, signup=signup)
            redirect_url = f"{step}?{urlencode({'next': then})}"
        return super().post_login(request, user, redirect_url=redirect_url, signup=signup, **kwargs)

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
                gettext("Use your work email address. Accounts can be created for: %(domains)s.")
                % {"domains": ", ".join(f"@{name}" for name in allowed)}
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
