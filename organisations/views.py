"""Pages about the organisation: your profile, your department, all departments."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from accounts.services import user_name_update
from organisations import selectors
from organisations.forms import OwnDetailsForm
from organisations.services import membership_correct_own


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "organisations/profile.html"
    form_class = OwnDetailsForm

    def get_initial(self) -> dict:
        membership = selectors.membership_of(self.request.user)
        return {
            "first_name": self.request.user.first_name,
            "last_name": self.request.user.last_name,
            "department": membership.department if membership else None,
            "job_role": membership.job_role if membership else None,
        }

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["membership"] = selectors.membership_of(self.request.user)
        return context

    def form_valid(self, form: OwnDetailsForm):
        data = form.cleaned_data
        with transaction.atomic():
            user_name_update(
                user=self.request.user, first_name=data["first_name"], last_name=data["last_name"]
            )
            membership_correct_own(
                user=self.request.user, department=data["department"], job_role=data["job_role"]
            )
        messages.success(self.request, "Your details have been saved.")
        return redirect("profile")


class MyDepartmentView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A department lead's own department: people per job role, and their direct reports."""

    template_name = "organisations/my_department.html"
    permission_required = "organisations.view_own_department"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        membership = selectors.membership_of(self.request.user)
        department = membership.department if membership else None
        context["department"] = department
        context["role_counts"] = selectors.department_role_counts(department) if department else []
        context["direct_reports"] = selectors.direct_reports(self.request.user)
        return context


class DepartmentsOverviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Every department with how many of its staff use the platform (aggregated, no names)."""

    template_name = "organisations/departments_overview.html"
    permission_required = "organisations.view_all_departments"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["departments"] = selectors.departments_overview()
        return context
