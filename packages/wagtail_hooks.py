"""CMS screens for course packages: training leads and administrators upload, list and retitle
them; only administrators delete them."""

from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, SnippetViewSet

from .errors import PackageRejected
from .forms import PackageEditForm, PackageUploadForm
from .models import Package
from .services import package_import


class PackageUploadView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        upload = data["package"]
        package = package_import(
            upload=upload,
            filename=upload.name,
            uploaded_by=self.request.user,
            title=data["title"],
            attribution=data["attribution"],
        )
        log(instance=package, action="wagtail.create", user=self.request.user)
        return package

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PackageRejected as rejected:
            # package_import has left nothing behind; the person sees why and can try again.
            form.add_error("package", rejected.message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class PackageDeleteView(DeleteView):
    """A package a lesson uses cannot be deleted: learners would meet a lesson with nothing to
    launch. Wagtail protects only foreign keys set to PROTECT; lessons choose packages in their
    body, so any use at all counts here."""

    def _in_use(self) -> bool:
        return bool(self.usage and self.usage.count())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self._in_use():
            context["is_protected"] = True
        return context

    def form_valid(self, form):
        if self._in_use():
            raise PermissionDenied
        return super().form_valid(form)


class PackageViewSet(SnippetViewSet):
    model = Package
    icon = "folder-inverse"
    menu_label = "Course packages"
    menu_name = "course_packages"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    add_view_class = PackageUploadView
    delete_view_class = PackageDeleteView
    list_filter = ["kind"]
    list_display = [
        "title",
        Column("kind", label="Kind", accessor="get_kind_display"),
        Column("file_count", label="Files"),
        Column(
            "unpacked_bytes",
            label="Size",
            accessor=lambda package: filesizeformat(package.unpacked_bytes),
        ),
        Column("uploaded_by", label="Uploaded by"),
        DateColumn("uploaded_at", label="Uploaded"),
    ]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("attribution")], base_form_class=PackageEditForm
    )

    @cached_property
    def _upload_handler(self):
        return ObjectList(
            [FieldPanel("package"), FieldPanel("title"), FieldPanel("attribution")],
            base_form_class=PackageUploadForm,
        ).bind_to_model(self.model)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self._upload_handler, form_class=self._upload_handler.get_form_class(), **kwargs
        )

    def get_queryset(self, request):
        return Package.objects.select_related("uploaded_by")


register_snippet(PackageViewSet)
