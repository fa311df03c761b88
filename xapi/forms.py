"""CMS forms for LRS clients, forwarding endpoints and outbox entries: secrets go in, never out."""

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from xapi.models.clients import SCOPES, TRUSTED_EVIDENCE


class LrsClientForm(WagtailAdminModelForm):
    secret = forms.CharField(
        label="Secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        min_length=8,
        help_text="The Basic-auth password, at least 8 characters. It is stored hashed and "
        "cannot be shown again.",
    )
    scopes = forms.MultipleChoiceField(
        choices=SCOPES, widget=forms.CheckboxSelectMultiple, help_text="What this client may do."
    )
    trusted_evidence = forms.MultipleChoiceField(
        label="Trusted to send",
        choices=TRUSTED_EVIDENCE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Evidence that claims authority counts in reports only from this platform and "
        "from clients trusted for it here. Statements of a kind not ticked are still stored, "
        "but are not evidence of anyone's level.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["secret"].required = True
        else:
            self.fields["secret"].help_text = "Leave blank to keep the current secret."

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        # A colon would end the user name inside a Basic-auth header.
        if ":" in key:
            raise forms.ValidationError("The key cannot contain a colon.")
        return key

    def clean_trusted_evidence(self) -> list[str]:
        return sorted(self.cleaned_data["trusted_evidence"])

    def save(self, commit: bool = True):
        if self.cleaned_data.get("secret"):
            self.instance.set_secret(self.cleaned_data["secret"])
        return super().save(commit=commit)


class ForwardingEndpointForm(WagtailAdminModelForm):
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        help_text="Stored encrypted. Leave blank to keep the current password.",
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("batch_size", "timeout_seconds"):
            if cleaned.get(name) == 0:
                self.add_error(name, "Enter 1 or more.")
        if cleaned.get("password") and not cleaned.get("username"):
            self.add_error("username", "Enter the user name the password belongs to.")
        return cleaned

    def save(self, commit: bool = True):
        if self.cleaned_data.get("password"):
            self.instance.set_password(self.cleaned_data["password"])
        return super().save(commit=commit)


class OutboxEntryForm(WagtailAdminModelForm):
    requeue = forms.BooleanField(
        label="Send again",
        required=False,
        help_text="Queue this statement again now, with a fresh count of refusals.",
    )

    def save(self, commit: bool = True):
        if self.cleaned_data.get("requeue") and self.instance.sent_at is None:
            self.instance.given_up_at = None
            self.instance.rejections = 0
            self.instance.next_attempt_at = timezone.now()
        return super().save(commit=commit)
