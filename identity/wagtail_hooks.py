"""CMS screens for identity providers: administrators add and change them, each change audited."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet

from identity.forms import IdentityProviderForm
from identity.models import IdentityProvider
from identity.services import identity_provider_audit, identity_provider_snapshot

# The views audit inside the same transaction as the save, with the signed-in person as actor.


class IdentityProviderCreateView(CreateView):
    def save_instance(self):
        provider = super().save_instance()
        identity_provider_audit(
            provider=provider,
            before={},
            actor=self.request.user,
            via="CMS",
            secret_changed=bool(provider.client_secret_encrypted),
        )
        return provider


class IdentityProviderEditView(EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Taken before the form writes into the object.
        self.audit_before = identity_provider_snapshot(self.object)
        self.secret_before = self.object.client_secret_encrypted

    def save_instance(self):
        provider = super().save_instance()
        identity_provider_audit(
            provider=provider,
            before=self.audit_before,
            actor=self.request.user,
            via="CMS",
            secret_changed=provider.client_secret_encrypted != self.secret_before,
        )
        return provider


class IdentityProviderDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            identity_provider_audit(
                provider=self.object,
                before=identity_provider_snapshot(self.object),
                actor=self.request.user,
                via="CMS",
                deleted=True,
            )
            super().delete_action()


class IdentityProviderViewSet(SnippetViewSet):
    model = IdentityProvider
    icon = "key"
    menu_label = _("Identity providers")
    menu_name = "identity_providers"
    add_to_settings_menu = True
    add_view_class = IdentityProviderCreateView
    edit_view_class = IdentityProviderEditView
    delete_view_class = IdentityProviderDeleteView
    copy_view_enabled = False
    list_display = [
        "name",
        Column("protocol", label=_("Protocol"), accessor="get_protocol_display"),
        Column("email_domains", label=_("Email domains")),
        BooleanColumn("enabled", label=_("Enabled")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("protocol"),
            FieldPanel("enabled"),
            FieldPanel("email_domains"),
            MultiFieldPanel(
                [FieldPanel("issuer_url"), FieldPanel("client_id"), FieldPanel("client_secret")],
                heading="OpenID Connect",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("metadata_url"),
                    FieldPanel("entity_id"),
                    FieldPanel("sso_url"),
                    FieldPanel("x509_certificate"),
                ],
                heading="SAML 2.0",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("email_claim"),
                    FieldPanel("given_name_claim"),
                    FieldPanel("family_name_claim"),
                    FieldPanel("department_claim"),
                    FieldPanel("job_role_claim"),
                    FieldPanel("line_manager_claim"),
                    FieldPanel("employee_number_claim"),
                    FieldPanel("trusted_mfa_values"),
                ],
                heading=_("Claims (OpenID Connect) or attributes (SAML)"),
            ),
        ],
        base_form_class=IdentityProviderForm,
    )


register_snippet(IdentityProviderViewSet)
