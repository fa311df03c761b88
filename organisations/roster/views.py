"""CMS screens for the HR roster: upload, see the change, confirm it."""

import secrets
import zlib

from django import forms
from django.core.cache import cache
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from organisations.roster.plan import RosterPlan, RosterRefused
from organisations.roster.report import roster_diff, roster_summary
from organisations.roster.services import RosterChanged, roster_import

PERMISSION = "organisations.change_membership"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_LINES = 200
SESSION_KEY = "roster_upload"
# The file waits for its confirmation in the shared cache (not in public media storage: it
# holds people's names and addresses), for an hour at most.
UPLOAD_SECONDS = 60 * 60


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("A CSV file in UTF-8 with the roster's columns (see the example below)."),
    )
    deactivate_missing = forms.BooleanField(
        label=_("Close the accounts of people missing from the roster"),
        required=False,
        help_text=_(
            "People the roster placed before who are not in this file. Left unticked, "
            "they are only listed."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext("Choose a file smaller than 50 MB."))
        return upload


class RosterView(WagtailAdminTemplateMixin, FormView):
    template_name = "organisations/admin/roster_upload.html"
    form_class = RosterUploadForm
    page_title = _("Import the HR roster")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        deactivate_missing = form.cleaned_data["deactivate_missing"]
        try:
            plan = roster_import(
                content=content,
                file_name=upload.name,
                dry_run=True,
                deactivate_missing=deactivate_missing,
                actor=self.request.user,
            )
        except RosterRefused as refused:
            return self.render_to_response(
                self.get_context_data(form=form, problems=refused.problems)
            )
        _upload_forget(self.request)
        token = secrets.token_urlsafe(24)
        cache.set(_cache_key(token), zlib.compress(content), UPLOAD_SECONDS)
        self.request.session[SESSION_KEY] = {
            "token": token,
            "file_name": upload.name,
            "deactivate_missing": deactivate_missing,
        }
        return _preview(self.request, plan, self.get_context_data(form=form))


def _preview(request, plan: RosterPlan, context: dict, *, changed_since=False):
    diff = roster_diff(plan)
    context.update(
        plan=plan,
        summary=roster_summary(plan),
        counts=plan.counts(),
        diff=diff[:PREVIEW_LINES],
        diff_more=max(0, len(diff) - PREVIEW_LINES),
        fingerprint=plan.fingerprint(),
        changed_since=changed_since,
        page_title=gettext("Check the roster's change"),
    )
    return TemplateResponse(request, "organisations/admin/roster_preview.html", context)


class RosterConfirmView(RosterView):
    """Apply the previewed change, or cancel it. POST only."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pending = request.session.get(SESSION_KEY)
        if request.POST.get("action") == "cancel":
            _upload_forget(request)
            messages.success(request, gettext("The roster was not imported."))
            return redirect("organisations_roster")
        compressed = cache.get(_cache_key(pending["token"])) if pending else None
        if compressed is None:
            messages.error(
                request,
                gettext("That upload has expired or was already applied; upload it again."),
            )
            return redirect("organisations_roster")
        context = self.get_context_data(form=RosterUploadForm())
        try:
            plan = roster_import(
                content=zlib.decompress(compressed),
                file_name=pending["file_name"],
                deactivate_missing=pending["deactivate_missing"],
                actor=request.user,
                expected_fingerprint=request.POST.get("fingerprint", ""),
            )
        except RosterChanged as changed:
            return _preview(request, changed.plan, context, changed_since=True)
        except RosterRefused as refused:
            _upload_forget(request)
            return self.render_to_response({**context, "problems": refused.problems})
        _upload_forget(request)
        messages.success(
            request, " ".join([gettext("The roster was applied."), *roster_summary(plan)])
        )
        return redirect("organisations_roster")


def _cache_key(token: str) -> str:
    return f"organisations.roster.upload.{token}"


def _upload_forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        cache.delete(_cache_key(pending["token"]))
