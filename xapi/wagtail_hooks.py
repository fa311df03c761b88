"""CMS screens under "Learning records": LRS clients, forwarding endpoints and their outbox."""

import django_filters
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from xapi.endpoints import (
    forwarding_endpoint_audit,
    forwarding_endpoint_snapshot,
    outbox_backfill,
)
from xapi.forms import ForwardingEndpointForm, LrsClientForm, OutboxEntryForm
from xapi.models import ForwardingEndpoint, LrsClient, OutboxEntry
from xapi.models.clients import TRUSTED_EVIDENCE
from xapi.services import lrs_client_audit, lrs_client_snapshot

_TRUSTED_LABELS = dict(TRUSTED_EVIDENCE)


def _trusted_text(client: LrsClient) -> str:
    kinds = [_TRUSTED_LABELS.get(kind, kind) for kind in client.trusted_evidence]
    return ", ".join(str(kind) for kind in kinds) or gettext("Nothing that claims authority")


class ShortTextColumn(Column):
    """Errors can be long; the list shows their start, the inspect and edit views the rest."""

    def get_value(self, instance):
        return Truncator(super().get_value(instance) or "").chars(120)


def _count(entries) -> Coalesce:
    """A per-endpoint count as a subquery, so the list costs the same for any number of rows."""
    counted = entries.filter(endpoint=OuterRef("pk")).order_by().values("endpoint")
    counted = counted.annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Saving in the CMS is audited in the same transaction as the save (the views wrap
# save_instance and delete_action in one), with the person signed in as the actor.


class LrsClientCreateView(CreateView):
    def save_instance(self):
        client = super().save_instance()
        lrs_client_audit(
            client=client, before={}, actor=self.request.user, via="CMS", secret_changed=True
        )
        return client


class LrsClientEditView(EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Taken before the form writes into the object.
        self.audit_before = lrs_client_snapshot(self.object)
        self.secret_hash_before = self.object.secret_hash

    def save_instance(self):
        client = super().save_instance()
        lrs_client_audit(
            client=client,
            before=self.audit_before,
            actor=self.request.user,
            via="CMS",
            secret_changed=client.secret_hash != self.secret_hash_before,
        )
        return client


class LrsClientDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            before = lrs_client_snapshot(self.object)
            lrs_client_audit(
                client=self.object, before=before, actor=self.request.user, via="CMS", deleted=True
            )
            super().delete_action()


class LrsClientViewSet(SnippetViewSet):
    model = LrsClient
    icon = "key"
    menu_label = _("LRS clients")
    add_view_class = LrsClientCreateView
    edit_view_class = LrsClientEditView
    delete_view_class = LrsClientDeleteView
    list_display = [
        "name",
        "key",
        Column("scopes", label=_("Scopes"), accessor=lambda client: ", ".join(client.scopes)),
        Column("trusted_evidence", label=_("Trusted to send"), accessor=_trusted_text),
        BooleanColumn("is_active", label=_("Active")),
        DateColumn("created_at", label=_("Created")),
    ]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("key"),
            FieldPanel("secret"),
            FieldPanel("scopes"),
            FieldPanel("trusted_evidence"),
            FieldPanel("is_active"),
        ],
        base_form_class=LrsClientForm,
    )


def _endpoint_state(endpoint: ForwardingEndpoint) -> str:
    if not endpoint.enabled:
        return gettext("Turned off")
    if endpoint.backoff_until and endpoint.backoff_until > timezone.now():
        return gettext("Backing off until %(time)s") % {
            "time": f"{timezone.localtime(endpoint.backoff_until):%H:%M}"
        }
    if endpoint.failures:
        return gettext("Failing, trying again now")
    return gettext("Healthy")


class ForwardingEndpointCreateView(CreateView):
    def save_instance(self):
        endpoint = super().save_instance()
        forwarding_endpoint_audit(
            endpoint=endpoint,
            before={},
            actor=self.request.user,
            password_changed=bool(self.form.cleaned_data.get("password")),
        )
        return endpoint


class ForwardingEndpointEditView(EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.audit_before = forwarding_endpoint_snapshot(self.object)

    def save_instance(self):
        since = self.form.backfill_from()
        turned_on = not self.form.was_enabled and self.form.cleaned_data.get("enabled")
        endpoint = super().save_instance()
        backfill = None
        if turned_on:
            # The trail keeps what was chosen for the statements stored while it was off.
            queued = outbox_backfill(endpoint=endpoint, since=since) if since else 0
            backfill = {"since": since.isoformat() if since else None, "queued": queued}
        forwarding_endpoint_audit(
            endpoint=endpoint,
            before=self.audit_before,
            actor=self.request.user,
            password_changed=bool(self.form.cleaned_data.get("password")),
            backfill=backfill,
        )
        return endpoint


class ForwardingEndpointDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            forwarding_endpoint_audit(
                endpoint=self.object,
                before=forwarding_endpoint_snapshot(self.object),
                actor=self.request.user,
                deleted=True,
            )
            super().delete_action()


class ForwardingEndpointViewSet(SnippetViewSet):
    model = ForwardingEndpoint
    icon = "redirect"
    menu_label = _("Forwarding endpoints")
    copy_view_enabled = False
    add_view_class = ForwardingEndpointCreateView
    edit_view_class = ForwardingEndpointEditView
    delete_view_class = ForwardingEndpointDeleteView
    list_display = [
        "name",
        "url",
        BooleanColumn("enabled"),
        Column("state", label=_("State"), accessor=_endpoint_state),
        Column("backlog", label=_("Waiting"), sort_key="backlog"),
        Column("given_up", label=_("Given up"), sort_key="given_up"),
        DateColumn("last_success_at", label=_("Last success")),
        DateColumn("last_error_at", label=_("Last error at")),
        ShortTextColumn("last_error", label=_("Last error")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("version"),
            FieldPanel("username"),
            FieldPanel("password"),
            FieldPanel("enabled"),
            FieldPanel("backfill"),
            FieldPanel("backfill_since"),
            FieldPanel("batch_size"),
            FieldPanel("timeout_seconds"),
        ],
        base_form_class=ForwardingEndpointForm,
    )

    def get_queryset(self, request):
        return ForwardingEndpoint.objects.annotate(
            backlog=_count(OutboxEntry.objects.filter(sent_at=None, given_up_at=None)),
            given_up=_count(OutboxEntry.objects.filter(given_up_at__isnull=False)),
        )


class OutboxFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        empty_label=_("Any"),
        choices=[
            ("waiting", _("Waiting")),
            ("given_up", _("Given up")),
            ("sent", pgettext_lazy("a statement's forwarding state", "Sent")),
        ],
        method="filter_state",
    )

    class Meta:
        model = OutboxEntry
        fields = ["endpoint"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(
            {
                "waiting": Q(sent_at=None, given_up_at=None),
                "given_up": Q(given_up_at__isnull=False),
                "sent": Q(sent_at__isnull=False),
            }[value]
        )


class OutboxEntryViewSet(SnippetViewSet):
    model = OutboxEntry
    icon = "list-ul"
    menu_label = _("Outbox")
    copy_view_enabled = False
    inspect_view_enabled = True
    filterset_class = OutboxFilterSet
    ordering = ["-pk"]
    list_per_page = 50
    list_display = [
        Column("statement_uuid", label=_("Statement"), accessor="statement.statement_id"),
        Column("endpoint"),
        Column("attempts"),
        Column("rejections", label=_("Refused")),
        DateColumn("next_attempt_at", label=_("Next attempt")),
        DateColumn("sent_at", label=_("Sent")),
        DateColumn("given_up_at", label=_("Given up")),
        ShortTextColumn("last_error", label=_("Last error")),
    ]
    inspect_view_fields = [
        "endpoint",
        "statement",
        "created_at",
        "attempts",
        "rejections",
        "next_attempt_at",
        "sent_at",
        "given_up_at",
        "last_error",
    ]
    edit_handler = ObjectList([FieldPanel("requeue")], base_form_class=OutboxEntryForm)

    def get_queryset(self, request):
        # The statement's JSON is not shown here; leave it in the database.
        return OutboxEntry.objects.select_related("endpoint", "statement").defer("statement__data")


class LearningRecordsViewSetGroup(SnippetViewSetGroup):
    items = (LrsClientViewSet, ForwardingEndpointViewSet, OutboxEntryViewSet)
    menu_label = _("Learning records")
    menu_icon = "clipboard-list"


register_snippet(LearningRecordsViewSetGroup)
