"""allauth adapter: who may sign up, and with which email domains."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
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
