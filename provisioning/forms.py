"""CMS forms for provisioning tokens: a new token's name and scopes, and revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from provisioning.models import TokenScope


class ProvisioningTokenCreateForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=TokenScope.values,
        help_text=_("Entra ID and Okta need all four to provision people and their roles."),
    )

    def save(self, commit: bool = True):
        raise NotImplementedError("Tokens are created by provisioning_token_create.")


class ProvisioningTokenRevokeForm(WagtailAdminModelForm):
    revoke = forms.BooleanField(
        required=False,
        label=_("Revoke this token"),
        help_text=_(
            "The identity provider's next request with it is refused. This cannot be undone."
        ),
    )

    def save(self, commit: bool = True):
        raise NotImplementedError("Tokens are revoked by provisioning_token_revoke.")
