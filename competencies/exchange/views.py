"""The CMS's "Import / export" page: upload a framework file, download a framework."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from competencies.exchange.errors import ImportRefused
from competencies.exchange.files import FORMATS, format_for, framework_export, framework_import
from competencies.models import Framework

IMPORT_PERMISSION = "competencies.add_framework"
EXPORT_PERMISSION = "competencies.view_framework"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class FrameworkImportForm(forms.Form):
    file = forms.FileField(help_text="A .csv file in the UK layout or a CASE .json package.")
    file_format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "From the file name"), *FORMATS.items()],
    )
    name = forms.CharField(
        required=False,
        max_length=200,
        help_text="Needed for a CSV with only the UK columns; otherwise it replaces the file's.",
    )
    version = forms.CharField(
        required=False,
        max_length=40,
        help_text="Needed for a CSV with only the UK columns, or to import a copy as a new "
        "version.",
    )
    draft = forms.BooleanField(
        label="Import as a draft",
        required=False,
        help_text="Keep it out of self-assessment and reports until it is published here.",
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", "Choose a file smaller than 10 MB.")
        cleaned["file_format"] = cleaned.get("file_format") or format_for(upload.name)
        if not cleaned["file_format"]:
            self.add_error("file_format", "Choose the format: the file name does not say.")
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

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            imported = framework_import(
                data["file"].read(),
                file_format=data["file_format"],
                name=data["name"],
                version=data["version"],
                draft=data["draft"],
                user=self.request.user,
            )
        except ImportRefused as refused:
            messages.error(self.request, f"{data['file'].name} was refused; nothing was imported.")
            return self.render_to_response(self.get_context_data(form=form, refused=refused))
        messages.success(self.request, imported.summary())
        for note in imported.notes:
            messages.warning(self.request, note)
        return redirect("competencies_exchange")


def download(request, pk: int, file_format: str) -> HttpResponse:
    if file_format not in FORMATS:
        raise Http404("No such format.")
    export = framework_export(get_object_or_404(Framework, pk=pk), file_format=file_format)
    response = HttpResponse(export.body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
