"""URLs for profile and department pages."""

from django.urls import path

from organisations import views

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("welcome/", views.FirstStepsView.as_view(), name="first_steps"),
    path("department/", views.MyDepartmentView.as_view(), name="my_department"),
    path("people/corrections/", views.MembershipRequestsView.as_view(), name="membership_requests"),
    path(
        "people/corrections/<int:pk>/",
        views.MembershipRequestDecisionView.as_view(),
        name="membership_request_decide",
    ),
    path("departments/", views.DepartmentsOverviewView.as_view(), name="departments_overview"),
]
