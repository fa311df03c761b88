"""Forms for accounts: clearer labels and messages than allauth's, and a name at signup."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.db import transaction
from django.http import HttpRequest

from accounts.adapter import SignInElsewhere, sign_in_elsewhere
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_roles_set


class SignupForm(AllauthSignupForm):
    first_name = forms.CharField(
        label="Given name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your given name"},
    )
    last_name = forms.CharField(
        label="Family name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]
    # Set when the address belongs to staff who sign in with the organisation's provider.
    sign_in_elsewhere: SignInElsewhere | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Work email address"
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["required"] = "Enter your work email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.fields["password2"].label = "Confirm password"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)

    def clean_email(self) -> str:
        email = super().clean_email()
        self.sign_in_elsewhere = sign_in_elsewhere(email, getattr(self, "request", None))
        if self.sign_in_elsewhere is not None:
            raise forms.ValidationError(self.sign_in_elsewhere.message)
        return email

    def save(self, request: HttpRequest) -> User:
        # The user, their email address and their role are one record: all or nothing.
        with transaction.atomic():
            return super().save(request)

    def signup(self, request: HttpRequest, user: User) -> None:
        user_roles_set(user=user, roles=[Role.LEARNER], via="sign-up")


class LoginForm(AllauthLoginForm):
    sign_in_elsewhere: SignInElsewhere | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Email address"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "email"
        login.error_messages["required"] = "Enter your email address"
        login.error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        password.error_messages["required"] = "Enter your password"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"

    def clean(self):
        # Refused before any password is checked: such staff have no password here, and a
        # password set before the provider was configured must not keep working.
        self.sign_in_elsewhere = sign_in_elsewhere(self.cleaned_data.get("login", ""), self.request)
        if self.sign_in_elsewhere is not None:
            raise forms.ValidationError(self.sign_in_elsewhere.message)
        return super().clean()


class ResetPasswordForm(AllauthResetPasswordForm):
    sign_in_elsewhere: SignInElsewhere | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.sign_in_elsewhere = sign_in_elsewhere(email)
        if self.sign_in_elsewhere is not None:
            raise forms.ValidationError(self.sign_in_elsewhere.message)
        return super().clean_email()
