"""URLs for assigning training: the list, a new assignment, one assignment, its withdrawal."""

from django.urls import path

from assignments import views

urlpatterns = [
    path("assignments/", views.AssignmentListView.as_view(), name="assignments"),
    path("assignments/new/", views.AssignmentCreateView.as_view(), name="assignment_new"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path(
        "assignments/<int:pk>/withdraw/",
        views.AssignmentWithdrawView.as_view(),
        name="assignment_withdraw",
    ),
]
