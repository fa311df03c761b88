"""The CMS's audit trail: every recorded change of access, filtered, and exported as CSV or XLSX."""

import json
from collections import OrderedDict

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import ModelLogEntry

from accounts.audit import AUDIT_ACTIONS, audit_entries

# Who may read the trail: the Administrator role holds it (accounts.apps), superusers hold all.
AUDIT_PERMISSION = "wagtailcore.view_modellogentry"
# A spreadsheet runs a cell starting with one of these as a formula; people's names and the
# labels of records are typed by people, so such a cell is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def may_read_audit_trail(user) -> bool:
    return user.is_active and user.has_perm(AUDIT_PERMISSION)


def entry_when(entry: ModelLogEntry) -> str:
    return timezone.localtime(entry.timestamp).isoformat(timespec="seconds")


def entry_who(entry: ModelLogEntry) -> str:
    """The person who made the change, or the authority it came through."""
    via = entry.data.get("via", "") if isinstance(entry.data, dict) else ""
    if entry.user is not None:
        person = entry.user.get_full_name() or entry.user.email
        return f"{person} ({entry.user.email}), via {via}" if via else person
    return f"via {via}" if via else "The platform"


def entry_action(entry: ModelLogEntry) -> str:
    return AUDIT_ACTIONS.get(entry.action, entry.action)


def entry_object(entry: ModelLogEntry) -> str:
    kind = entry.content_type.name if entry.content_type else "record"
    return f"{kind}: {entry.label}"


def entry_state(entry: ModelLogEntry, which: str) -> str:
    """The entry's before or after as JSON text, keys in a stable order."""
    state = entry.data.get(which, {}) if isinstance(entry.data, dict) else {}
    return json.dumps(state, sort_keys=True, ensure_ascii=False)


def as_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class AuditTrailFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=list(AUDIT_ACTIONS.items()), empty_label=_("Any action")
    )
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = ModelLogEntry
        fields = []


class AuditTrailView(ReportView):
    """Who changed whose access, when, what it was before and after (newest first)."""

    page_title = _("Audit trail")
    header_icon = "history"
    index_url_name = "audit_trail"
    index_results_url_name = "audit_trail_results"
    filterset_class = AuditTrailFilterSet
    paginate_by = 50
    export_filename = "audit-trail"
    list_export = ["when", "who", "action", "object", "before", "after"]
    export_headings = {
        "when": "When",
        "who": "Who",
        "action": "Action",
        "object": "Object",
        "before": "Before",
        "after": "After",
    }
    columns = [
        # Translators: audit trail column headings: when a change was made, by whom, to what.
        Column("when", label=_("When"), accessor=entry_when),
        Column("who", label=_("Who"), accessor=entry_who),
        Column("action", label=_("Action"), accessor=entry_action),
        Column("object", label=_("Object"), accessor=entry_object),
        Column("before", label=_("Before"), accessor=lambda entry: entry_state(entry, "before")),
        Column("after", label=_("After"), accessor=lambda entry: entry_state(entry, "after")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not may_read_audit_trail(request.user):
            # A plain 403 (Wagtail would turn a raised PermissionDenied into a redirect).
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return audit_entries()

    def get_queryset(self):
        # The trail keeps its own order (newest first); no column re-sorts it.
        return self.get_base_queryset()

    def get_filename(self):
        return f"audit-trail-{timezone.localdate():%Y-%m-%d}"

    def to_row_dict(self, item):
        return OrderedDict(
            [
                ("when", entry_when(item)),
                ("who", as_text(entry_who(item))),
                ("action", entry_action(item)),
                ("object", as_text(entry_object(item))),
                ("before", entry_state(item, "before")),
                ("after", entry_state(item, "after")),
            ]
        )
