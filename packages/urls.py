"""Routes on the content origin: a package's files by the package's uuid."""

from django.urls import path

from . import views

app_name = "packages"

urlpatterns = [
    path("<uuid:package_uuid>/<path:path>", views.package_file, name="file"),
]
