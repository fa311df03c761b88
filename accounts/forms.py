"""Forms for accounts: clearer labels and messages than allauth's, and a name at signup."""

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.adapter import SignInElsewhere, sign_in_elsewhere
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_roles_set

EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.org")


def new_password_hint() -> str:
    """What a new password must be, in plain words, from the validators in force (Django's own
    hint is a list of negative contractions)."""
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    count = max(lengths, default=0)
    hint = (
        ngettext("Use at least %(count)d character.", "Use at least %(count)d characters.", count)
        % {"count": count}
        + " "
        if lengths
        else ""
    )
    return hint + gettext(
        "Do not use a common password, only numbers, or something close to your name or "
        "email address."
    )


# Messages allauth's forms raise themselves, in the service's voice.
# Keyed by allauth's English wording, which allauth's own catalogue translates.
REWORDED = {
    "You must type the same password each time.": _("Enter the same password in both fields")
}


def reword_errors(form: forms.Form) -> None:
    reworded = {gettext(theirs): ours for theirs, ours in REWORDED.items()}
    for errors in (form._errors or {}).values():
        errors.data = [reworded.get(str(message), message) for message in errors]


class ServiceWording:
    """Mixed into each account form before allauth's, so its own messages are reworded too."""

    def full_clean(self):
        super().full_clean()
        reword_errors(self)


def relabel(form: forms.Form, labels: dict[str, str], required: dict[str, str]) -> None:
    """Sentence-case UK English labels without placeholders (a placeholder is not a label and
    disappears as people type); the rules for a new password as its hint; the reset link that
    allauth puts under a current password is on the page already."""
    for name, label in labels.items():
        field = form.fields[name]
        field.label = label
        field.widget.attrs.pop("placeholder", None)
        if name in required:
            field.error_messages["required"] = required[name]
        if isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = EMAIL_FORMAT
            field.widget.attrs["spellcheck"] = "false"
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.PasswordInput):
            new = widget.attrs.get("autocomplete") == "new-password"
            field.help_text = new_password_hint() if new and name == "password1" else ""


class SignupForm(ServiceWording, AllauthSignupForm):
    first_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your given name")},
    )
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]
    # Set when the address belongs to staff who sign in with the organisation's provider.
    sign_in_elsewhere: SignInElsewhere | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {
                "email": _("Work email address"),
                "password1": _("Password"),
                "password2": _("Confirm password"),
            },
            {
                "email": _("Enter your work email address"),
                "password1": _("Create a password"),
                "password2": _("Confirm your password"),
            },
        )

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
        login.label = _("Email address")
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "email"
        login.error_messages["required"] = _("Enter your email address")
        login.error_messages["invalid"] = EMAIL_FORMAT
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        password.error_messages["required"] = _("Enter your password")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")

    def clean(self):
        # Refused before any password is checked: such staff have no password here, and a
        # password set before the provider was configured must not keep working.
        self.sign_in_elsewhere = sign_in_elsewhere(self.cleaned_data.get("login", ""), self.request)
        if self.sign_in_elsewhere is not None:
            raise forms.ValidationError(self.sign_in_elsewhere.message)
        return super().clean()


class ResetPasswordForm(AllauthResetPasswordForm):
    sign_in_elsewhere: SignInElsewhere | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(self, {"email": _("Email address")}, {"email": _("Enter your email address")})

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.sign_in_elsewhere = sign_in_elsewhere(email)
        if self.sign_in_elsewhere is not None:
            raise forms.ValidationError(self.sign_in_elsewhere.message)
        return super().clean_email()


class ResetPasswordKeyForm(ServiceWording, AllauthResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {"password1": _("New password"), "password2": _("Confirm new password")},
            {"password1": _("Enter a new password"), "password2": _("Confirm your new password")},
        )


class ChangePasswordForm(ServiceWording, AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("Confirm new password"),
            },
            {
                "oldpassword": _("Enter your current password"),
                "password1": _("Enter a new password"),
                "password2": _("Confirm your new password"),
            },
        )


class SetPasswordForm(ServiceWording, AllauthSetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {"password1": _("Password"), "password2": _("Confirm password")},
            {"password1": _("Create a password"), "password2": _("Confirm your password")},
        )


class AddEmailForm(AllauthAddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(self, {"email": _("Email address")}, {"email": _("Enter an email address")})


class ReauthenticateForm(AllauthReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(self, {"password": _("Password")}, {"password": _("Enter your password")})
