"""CMS screens for SCIM tokens: administrators create one (shown once) and revoke it."""

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from provisioning.forms import ProvisioningTokenCreateForm, ProvisioningTokenRevokeForm
from provisioning.models import ProvisioningToken
from provisioning.services import provisioning_token_create, provisioning_token_revoke


class TokenCreateView(CreateView):
    def save_instance(self):
        token, self.secret = provisioning_token_create(
            name=self.form.cleaned_data["name"],
            scopes=self.form.cleaned_data["scopes"],
            actor=self.request.user,
            via="CMS",
        )
        return token

    def save_action(self):
        # The secret goes straight into this response: never into a message, a cookie or a log.
        return TemplateResponse(
            self.request,
            "provisioning/token_created.html",
            {
                "token": self.object,
                "secret": self.secret,
                "scim_url": f"{settings.SITE_URL}/scim/v2/",
                "index_url": self.get_success_url(),
            },
        )


class TokenRevokeView(EditView):
    def save_instance(self):
        if self.form.cleaned_data.get("revoke"):
            provisioning_token_revoke(token=self.object, actor=self.request.user, via="CMS")
            self.object.refresh_from_db()
        return self.object


class ProvisioningTokenViewSet(SnippetViewSet):
    model = ProvisioningToken
    icon = "key"
    menu_label = _("SCIM tokens")
    add_to_settings_menu = True
    copy_view_enabled = False
    add_view_class = TokenCreateView
    edit_view_class = TokenRevokeView
    list_display = [
        "name",
        Column("scopes", label=_("Scopes"), accessor=lambda token: ", ".join(token.scopes)),
        Column("created_by", label=_("Created by")),
        # Translators: column headings of dates: when a token was created, last used, revoked.
        DateColumn("created_at", label=_("Created")),
        DateColumn("last_used_at", label=_("Last used")),
        DateColumn("revoked_at", label=_("Revoked")),
    ]
    edit_handler = ObjectList([FieldPanel("revoke")], base_form_class=ProvisioningTokenRevokeForm)

    @cached_property
    def _create_handler(self):
        return ObjectList(
            [FieldPanel("name"), FieldPanel("scopes")], base_form_class=ProvisioningTokenCreateForm
        ).bind_to_model(self.model)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self._create_handler, form_class=self._create_handler.get_form_class(), **kwargs
        )

    def get_queryset(self, request):
        return ProvisioningToken.objects.select_related("created_by")


register_snippet(ProvisioningTokenViewSet)
