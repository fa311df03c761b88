"""The CMS's "Import / export" page: upload a framework file (a CASE package is previewed, with
how its item types map to areas and competencies, for the administrator to confirm), download a
framework."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from competencies.exchange.case_parse import case_parse
from competencies.exchange.case_tree import KINDS, default_kind
from competencies.exchange.data import held_now
from competencies.exchange.errors import ImportRefused
from competencies.exchange.files import FORMATS, format_for, framework_export, framework_import
from competencies.models import Framework

IMPORT_PERMISSION = "competencies.add_framework"
EXPORT_PERMISSION = "competencies.view_framework"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The CASE package waiting for the administrator to confirm its preview.
PENDING = "competencies_exchange_pending"
# The kinds an item type can be imported as, as the preview names them (case_tree.KINDS).
KIND_LABELS = (
    gettext_noop("Area"),
    gettext_noop("Competency"),
    gettext_noop("By its place in the tree"),
)


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A .csv file in the UK layout or a CASE .json package."),
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("From the file name")), *FORMATS.items()],
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Needed for a CSV with only the UK columns; otherwise it replaces the file's."
        ),
    )
    version = forms.CharField(
        label=gettext_lazy("Version"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Needed for a CSV with only the UK columns, or to import a copy as a new version."
        ),
    )
    draft = forms.BooleanField(
        label=gettext_lazy("Import as a draft"),
        required=False,
        help_text=gettext_lazy(
            "Keep it out of self-assessment and reports until it is published here."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("Choose a file smaller than 10 MB."))
        cleaned["file_format"] = cleaned.get("file_format") or format_for(upload.name)
        if not cleaned["file_format"]:
            self.add_error("file_format", _("Choose the format: the file name does not say."))
        return cleaned


class ImportExportView(WagtailAdminTemplateMixin, FormView):
    template_name = "competencies/admin/import_export.html"
    form_class = FrameworkImportForm
    page_title = "Import / export frameworks"
    header_icon = "download"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "Import / export frameworks"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = Framework.objects.order_by("name", "version")
        context["formats"] = FORMATS
        return context

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST or "remap" in request.POST:
            return self.pending_post(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        content = data["file"].read()
        if data["file_format"] == "case":
            pending = {
                "filename": data["file"].name,
                "content": content,
                "name": data["name"],
                "version": data["version"],
                "draft": data["draft"],
                "kinds": {},
            }
            try:
                return self.preview(pending, form)
            except ImportRefused as refused:
                return self.refuse(form, data["file"].name, refused)
        try:
            imported = framework_import(
                content,
                file_format=data["file_format"],
                name=data["name"],
                version=data["version"],
                draft=data["draft"],
                user=self.request.user,
            )
        except ImportRefused as refused:
            return self.refuse(form, data["file"].name, refused)
        return self.imported(imported)

    def refuse(self, form, filename: str, refused: ImportRefused):
        messages.error(
            self.request, _("%(file)s was refused; nothing was imported.") % {"file": filename}
        )
        return self.render_to_response(self.get_context_data(form=form, refused=refused))

    def imported(self, imported):
        messages.success(self.request, imported.summary())
        for note in imported.notes:
            messages.warning(self.request, note)
        return redirect("competencies_exchange")

    def preview(self, pending: dict, form=None):
        """Check the package with the chosen kinds and show what it would become."""
        data = case_parse(
            pending["content"],
            held=held_now(),
            name=pending["name"] or None,
            version=pending["version"] or None,
            kinds=pending["kinds"],
        )
        if isinstance(pending["content"], bytes):  # checked above: UTF-8 JSON
            pending["content"] = pending["content"].decode("utf-8-sig")
        types = [
            {
                "field": f"kind-{number}",
                "label": label,
                "kind": pending["kinds"].get(label, default_kind(label)),
                **counts,
            }
            for number, (label, counts) in enumerate(data["mapping"].items())
        ]
        self.request.session[PENDING] = pending | {"types": list(data["mapping"])}
        return self.render_to_response(
            self.get_context_data(
                form=form or self.get_form_class()(),
                preview=data,
                types=types,
                kinds={kind: _(label) for kind, label in KINDS.items()},
                filename=pending["filename"],
            )
        )

    def pending_post(self, request):
        pending = request.session.get(PENDING)
        if not pending:
            messages.error(request, _("The uploaded file is no longer held here; upload it again."))
            return redirect("competencies_exchange")
        # A type left out of the form keeps its default kind.
        chosen = {
            label: request.POST.get(f"kind-{number}", default_kind(label))
            for number, label in enumerate(pending.pop("types", []))
        }
        pending["kinds"] = {label: kind for label, kind in chosen.items() if kind in KINDS}
        try:
            if "remap" in request.POST:
                return self.preview(pending)
            imported = framework_import(
                pending["content"],
                file_format="case",
                name=pending["name"],
                version=pending["version"],
                draft=pending["draft"],
                kinds=pending["kinds"],
                user=request.user,
            )
        except ImportRefused as refused:
            request.session.pop(PENDING, None)
            return self.refuse(self.get_form_class()(), pending["filename"], refused)
        request.session.pop(PENDING, None)
        return self.imported(imported)


def download(request, pk: int, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404(_("No such format."))
    export = framework_export(get_object_or_404(Framework, pk=pk), file_format=file_format)
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
