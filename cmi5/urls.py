"""The platform's cmi5 routes: the administrators' automation API."""

from django.urls import path

from cmi5 import views

app_name = "cmi5"

urlpatterns = [
    path("automation/courses", views.import_view, name="automation_import"),
    path(
        "automation/courses/<uuid:package_uuid>/delete",
        views.delete_view,
        name="automation_delete",
    ),
    path(
        "automation/courses/<uuid:package_uuid>/launch-url",
        views.launch_url_view,
        name="automation_launch_url",
    ),
    path(
        "automation/registrations/<uuid:registration_uuid>/waive",
        views.waive_view,
        name="automation_waive",
    ),
    path(
        "automation/sessions/<uuid:session_uuid>/abandon",
        views.abandon_view,
        name="automation_abandon",
    ),
    path("automation/lrs-reader", views.lrs_reader_view, name="automation_lrs_reader"),
]
