"""Pages about the organisation: your profile, your department, all departments, and the
corrections a line manager or administrator decides."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from accounts.services import user_name_update
from organisations import selectors
from organisations.first_steps import first_steps_answer, first_steps_due, first_steps_skip
from organisations.forms import FirstStepsForm, MembershipDecisionForm, OwnDetailsForm
from organisations.models import Department, MembershipRequest
from organisations.services import (
    may_decide_membership_request,
    membership_request_create,
    membership_request_decide,
)


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
        context["pending_request"] = selectors.pending_membership_request_of(self.request.user)
        return context

    def form_valid(self, form: OwnDetailsForm):
        data = form.cleaned_data
        user = self.request.user
        membership = selectors.membership_of(user)
        current = (membership.department, membership.job_role) if membership else (None, None)
        wanted = (data["department"], data["job_role"])
        with transaction.atomic():
            user_name_update(user=user, first_name=data["first_name"], last_name=data["last_name"])
            # A person's own word never moves them: it becomes a request that their line
            # manager or an administrator approves.
            if wanted != current:
                membership_request_create(
                    user=user, department=wanted[0], job_role=wanted[1], reason=data["reason"]
                )
        if wanted != current:
            messages.success(
                self.request,
                _(
                    "Your name has been saved. Your line manager or an administrator will check "
                    "the change to your department and job role before it takes effect."
                ),
            )
        else:
            messages.success(self.request, _("Your details have been saved."))
        return redirect("profile")


class MyDepartmentView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A department lead's own department: people per job role, and their direct reports."""

    template_name = "organisations/my_department.html"
    permission_required = "organisations.view_own_department"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        codes = selectors.led_department_codes(self.request.user)
        departments = Department.objects.filter(code__in=codes).order_by("name")
        context["departments"] = [
            (department, selectors.department_role_counts(department)) for department in departments
        ]
        context["min_group_size"] = settings.ANALYTICS_MIN_GROUP_SIZE
        context["direct_reports"] = selectors.direct_reports(self.request.user)
        context["pending_requests"] = selectors.pending_membership_requests(self.request.user)
        return context


class DepartmentsOverviewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Every department with how many of its staff use the platform (aggregated, no names)."""

    template_name = "organisations/departments_overview.html"
    permission_required = "organisations.view_all_departments"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["departments"] = selectors.departments_overview()
        context["min_group_size"] = settings.ANALYTICS_MIN_GROUP_SIZE
        return context


class MembershipRequestsView(LoginRequiredMixin, TemplateView):
    """Corrections waiting for the viewer: their direct reports' (line manager) or everyone's
    (administrator)."""

    template_name = "organisations/membership_requests.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["pending_requests"] = selectors.pending_membership_requests(self.request.user)
        return context


class MembershipRequestDecisionView(LoginRequiredMixin, FormView):
    template_name = "organisations/membership_request_decide.html"
    form_class = MembershipDecisionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.membership_request = get_object_or_404(
                MembershipRequest.objects.select_related(
                    "user",
                    "department",
                    "job_role",
                    "user__membership__department",
                    "user__membership__job_role",
                ),
                pk=kwargs["pk"],
                status=MembershipRequest.Status.PENDING,
            )
            if not may_decide_membership_request(
                decider=request.user, request=self.membership_request
            ):
                raise Http404(_("No such request waiting for you."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["membership_request"] = self.membership_request
        context["membership"] = getattr(self.membership_request.user, "membership", None)
        return context

    def form_valid(self, form: MembershipDecisionForm):
        approve = form.cleaned_data["decision"] == "approve"
        membership_request_decide(
            request=self.membership_request, decider=self.request.user, approve=approve
        )
        person = self.membership_request.user
        messages.success(
            self.request,
            f"{person}'s correction was approved and their details changed."
            if approve
            else f"{person}'s correction was not approved; nothing changed.",
        )
        return redirect("membership_requests")


def _onward(request) -> str:
    """Where the person was going before the question: a page of this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class FirstStepsView(LoginRequiredMixin, FormView):
    """After a first sign-in: which department and job role are yours? Asked once; the answer
    waits for a line manager or an administrator like any correction, and can be skipped."""

    template_name = "organisations/first_steps.html"
    form_class = FirstStepsForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not first_steps_due(request.user):
            return redirect(_onward(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["next"] = _onward(self.request)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "skip":
            first_steps_skip(user=request.user)
            messages.info(
                request,
                _("You can add your department and job role at any time from your profile."),
            )
            return redirect(_onward(request))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: FirstStepsForm):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: FirstStepsForm):
        first_steps_answer(
            user=self.request.user,
            department=form.cleaned_data["department"],
            job_role=form.cleaned_data["job_role"],
        )
        messages.success(
            self.request,
            _(
                "Thank you. Your line manager or an administrator will check your department and "
                "job role before they take effect."
            ),
        )
        return redirect(_onward(self.request))
