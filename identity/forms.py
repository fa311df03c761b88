"""The CMS form for an identity provider: the client secret goes in, never comes out."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from identity.oidc import client_secret_encrypt


class IdentityProviderForm(WagtailAdminModelForm):
    client_secret = forms.CharField(
        label=_("Client secret"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        help_text=_(
            "OpenID Connect: stored encrypted and never shown again. "
            "Leave blank to keep the current secret."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        # Set before the model's own checks run, which require a secret for OpenID Connect.
        if cleaned.get("client_secret"):
            self.instance.client_secret_encrypted = client_secret_encrypt(cleaned["client_secret"])
        return cleaned
