"""URLs for frameworks, self-assessment and team validation."""

from django.urls import path

from competencies import views

urlpatterns = [
    path("frameworks/", views.FrameworkListView.as_view(), name="frameworks"),
    path("frameworks/<slug:slug>/", views.FrameworkDetailView.as_view(), name="framework"),
    path(
        "frameworks/<slug:slug>/<str:code>/",
        views.CompetencyDetailView.as_view(),
        name="competency",
    ),
    path("self-assessment/", views.SelfAssessmentOverviewView.as_view(), name="self_assessment"),
    path(
        "self-assessment/results/",
        views.SelfAssessmentResultsView.as_view(),
        name="self_assessment_results",
    ),
    path(
        "self-assessment/<str:area>/",
        views.SelfAssessmentAreaView.as_view(),
        name="self_assessment_area",
    ),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/<int:user_id>/", views.TeamMemberView.as_view(), name="team_member"),
    path("team/<int:user_id>/<str:code>/", views.ValidateView.as_view(), name="validate"),
]
