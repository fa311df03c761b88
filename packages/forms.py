"""CMS forms for packages: the upload (a file, with an optional title and the attribution), and
editing the words shown about a package (its files never change; a new version is a new upload)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm


class PackageUploadForm(WagtailAdminModelForm):
    package = forms.FileField(
        label=gettext_lazy("Package file"),
        help_text=format_lazy(
            gettext_lazy(
                "A cmi5 or SCORM 1.2 / 2004 package as a .zip, or a cmi5 course structure file "
                "(cmi5.xml) whose lessons are hosted elsewhere. At most {size}."
            ),
            size=filesizeformat(settings.PACKAGE_MAX_UPLOAD_BYTES),
        ),
        widget=forms.FileInput(attrs={"accept": ".zip,.xml,application/zip,text/xml"}),
    )

    class Meta:
        fields = ["title", "attribution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = gettext(
            "Leave blank to use the title the package gives itself."
        )

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if not upload.name.lower().endswith((".zip", ".xml")):
            raise forms.ValidationError(gettext("Choose a package (.zip) or a cmi5.xml file."))
        return upload

    def save(self, commit: bool = True):
        raise NotImplementedError("Packages are created by packages.services.package_import.")


class PackageEditForm(WagtailAdminModelForm):
    class Meta:
        fields = ["title", "attribution"]
