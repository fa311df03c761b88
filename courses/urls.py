"""URLs for the catalogue, learning actions, dashboard, plan and certificates."""

from django.urls import path

from courses.views import catalogue, certificates, dashboard, learning, packages, programmes

urlpatterns = [
    path("courses/", catalogue.CatalogueView.as_view(), name="catalogue"),
    path("learning/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("learning/skills/", dashboard.SkillsView.as_view(), name="skills"),
    path("learning/courses/<int:course_id>/enrol/", learning.enrol, name="enrol"),
    path("learning/courses/<int:course_id>/retake/", learning.retake, name="course_retake"),
    path(
        "learning/courses/<int:course_id>/complete/",
        learning.course_complete,
        name="course_complete",
    ),
    path("learning/lessons/<int:lesson_id>/check/", learning.submit_check, name="submit_check"),
    path(
        "learning/lessons/<int:lesson_id>/complete/",
        learning.complete_lesson,
        name="complete_lesson",
    ),
    path(
        "learning/lessons/<int:lesson_id>/package/launch/",
        packages.launch,
        name="package_launch",
    ),
    path(
        "learning/lessons/<int:lesson_id>/package/preview/",
        packages.preview_launch,
        name="package_preview_launch",
    ),
    path("learning/plan/add/", dashboard.plan_add_view, name="plan_add"),
    path("learning/plan/<int:item_id>/move/", dashboard.plan_move_view, name="plan_move"),
    path("learning/plan/<int:item_id>/remove/", dashboard.plan_remove_view, name="plan_remove"),
    path(
        "learning/certificates/<str:code>.pdf",
        certificates.download,
        name="certificate_download",
    ),
    path("certificates/<str:code>/", certificates.verify, name="certificate_verify"),
    path(
        "learning/programme-certificates/<str:code>/",
        programmes.certificate,
        name="programme_certificate",
    ),
]
