"""URLs for the skill-gap reports and their exports."""

from django.urls import path

from analytics.views import compliance, department, hub, learner, learners, organisation

urlpatterns = [
    path("reports/", organisation.OrganisationReportView.as_view(), name="organisation_report"),
    path(
        "reports/export.<str:extension>",
        organisation.OrganisationExportView.as_view(),
        name="organisation_export",
    ),
    path(
        "reports/competencies/<str:competency>/",
        organisation.OrganisationCompetencyView.as_view(),
        name="organisation_competency",
    ),
    path("reports/me/", learner.MyReportView.as_view(), name="my_report"),
    path("reports/list/", hub.ReportsView.as_view(), name="reports"),
    path(
        "reports/department/",
        department.MyDepartmentReportView.as_view(),
        name="my_department_report",
    ),
    path(
        "reports/departments/<str:code>/",
        department.DepartmentReportView.as_view(),
        name="department_report",
    ),
    path(
        "reports/departments/<str:code>/export.<str:extension>",
        department.DepartmentExportView.as_view(),
        name="department_export",
    ),
    path(
        "reports/departments/<str:code>/competencies/<str:competency>/",
        department.DepartmentCompetencyView.as_view(),
        name="department_competency",
    ),
    path(
        "reports/courses/<int:course_id>/learners/",
        learners.CourseLearnersView.as_view(),
        name="course_learners",
    ),
    path(
        "reports/courses/<int:course_id>/learners/export.<str:extension>",
        learners.CourseLearnersExportView.as_view(),
        name="course_learners_export",
    ),
    path(
        "reports/programmes/<int:programme_id>/learners/",
        learners.ProgrammeLearnersView.as_view(),
        name="programme_learners",
    ),
    path(
        "reports/programmes/<int:programme_id>/learners/export.<str:extension>",
        learners.ProgrammeLearnersExportView.as_view(),
        name="programme_learners_export",
    ),
    path("reports/compliance/", compliance.ComplianceView.as_view(), name="compliance"),
    path(
        "reports/compliance/export.<str:extension>",
        compliance.ComplianceExportView.as_view(),
        name="compliance_export",
    ),
    path(
        "reports/department/compliance/",
        compliance.DepartmentComplianceView.as_view(),
        name="department_compliance",
    ),
    path("team/compliance/", compliance.TeamComplianceView.as_view(), name="team_compliance"),
]
