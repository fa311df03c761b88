"""One department: job role x competency, its top gaps, one competency's evidence, and (for
the department's own lead only) their direct reports by name."""

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.generic import TemplateView, View

from analytics.protection import access
from analytics.reports import dashboard, drilldown, gap_actions, selectors, store_frames
from analytics.reports.assembly import FrameworkLabels, Report
from analytics.reports.selectors import (
    department_name,
    department_report,
    led_departments_named,
    team_gaps,
    trend_points,
)
from analytics.views.common import (
    EXPORT_LABELS,
    competency_row,
    download,
    framework_level_names,
    in_reader_language,
    inputs_in,
    recommendations,
    report_url,
)


class DepartmentAccessMixin(LoginRequiredMixin):
    """A department lead reaches only their own department (any other is refused, whether it
    exists or not); holders of view_all_reports reach every department."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not access.may_view_department(user, kwargs["code"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def department(self) -> tuple[str, str, Report]:
        code = self.kwargs["code"]
        name = department_name(code)
        if name is None:
            raise Http404("No such department.")
        report = department_report(code)
        if report is None:
            raise Http404("No competency framework has been published yet.")
        report, self.labels = in_reader_language(report)
        return code, name, report


@lru_cache(maxsize=4096)
def job_role_query(job_role: str) -> str:
    """The query string of a job role's cell: built once per role, not once per cell."""
    return urlencode({"job_role": job_role})


def report_inputs(labels: FrameworkLabels) -> dict:
    """The frames the report is computed from, for the pages that need people's own rows.
    They grow with the number of people (tens of megabytes at national scale), so the
    department's page reads them only to list a lead's direct reports."""
    inputs = store_frames.report_inputs()
    if inputs is None:
        raise Http404("No competency framework has been published yet.")
    return inputs_in(inputs, labels)


class MyDepartmentReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """/reports/department/: a lead's own department; the whole organisation for people who
    see every department and belong to none."""

    permission_required = access.VIEW_DEPARTMENT
    template_name = "analytics/no_department.html"

    def get_context_data(self, **kwargs) -> dict:
        departments = led_departments_named(self.request.user)
        return {**super().get_context_data(**kwargs), "departments": departments}

    def get(self, request, *args, **kwargs):
        codes = access.led_departments(request.user)
        if len(codes) == 1:
            return redirect("department_report", code=codes[0])
        if access.may_view_all(request.user):
            return redirect("organisation_report")
        return super().get(request, *args, **kwargs)


class DepartmentReportView(DepartmentAccessMixin, TemplateView):
    template_name = "analytics/department.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        code, name, report = self.department()

        def cell_url(job_role: str, competency: str) -> str:
            url = report_url("department_competency", code, competency)
            return f"{url}?{job_role_query(job_role)}"

        def total_url(competency: str) -> str:
            return report_url("department_competency", code, competency)

        leads = access.leads_department(self.request.user, code)
        team = team_gaps(self.request.user, report_inputs(self.labels)) if leads else []
        context.update(
            code=code,
            name=name,
            report=report,
            grid=dashboard.grid_of(
                report, cell_url=cell_url, total_url=total_url, svg_id="department-heatmap"
            ),
            top_gaps=gap_actions.with_actions(
                dashboard.top_gaps_of(report, url=total_url),
                user=self.request.user,
                code=code,
                now=timezone.now(),
                threshold=report.threshold,
            ),
            gap_actions=True,
            courses=recommendations(report, self.request),
            coverage=dashboard.coverage_of(report),
            trend=dashboard.trend_of(trend_points(code, report.threshold)),
            method=dashboard.method_notes(report.threshold, settings.ANALYTICS_STALE_AFTER_DAYS),
            leads=leads,
            team=team,
            sees_all=access.may_view_all(self.request.user),
            exports=[
                (label, reverse("department_export", args=[code, extension]))
                for extension, label in EXPORT_LABELS
            ],
        )
        return context


class DepartmentCompetencyView(DepartmentAccessMixin, TemplateView):
    """The evidence behind one competency's figures in a department, or in one of its job
    roles (?job_role=CODE)."""

    template_name = "analytics/competency.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        code, name, report = self.department()
        inputs = report_inputs(self.labels)
        competency = self.kwargs["competency"]
        job_role = self.request.GET.get("job_role") or None
        department_url = reverse("department_competency", args=[code, competency])
        if job_role is not None:
            if job_role not in inputs["job_roles"]:
                raise Http404("No such job role.")
            scope = f"{inputs['job_roles'][job_role]}, {name}"
            breakdown, back = (
                [],
                (
                    department_url,
                    gettext("Back to %(competency)s in %(name)s")
                    % {"competency": competency, "name": name},
                ),
            )
        else:
            scope = name
            grid = dashboard.grid_of(
                report,
                cell_url=lambda role, c: f"{department_url}?{urlencode({'job_role': role})}",
                with_svg=False,
            )
            breakdown = drilldown.breakdown(grid, competency)
            back = (
                reverse("department_report", args=[code]),
                gettext("Back to %(name)s") % {"name": name},
            )
        context.update(
            report=report,
            competency=competency_row(inputs, competency),
            scope_name=scope,
            distribution=drilldown.distribution(
                inputs,
                competency=competency,
                level_names=framework_level_names(),
                threshold=report.threshold,
                visible=drilldown.shown_in(report, competency, job_role=job_role),
                department=code,
                job_role=job_role,
                package_of=selectors.package_sources(competency),
            ),
            breakdown=breakdown,
            stale_after_days=settings.ANALYTICS_STALE_AFTER_DAYS,
            breakdown_label=gettext("Job role"),
            back=back,
        )
        return context


class DepartmentExportView(DepartmentAccessMixin, View):
    def get(self, request: HttpRequest, code: str, extension: str) -> HttpResponse:
        _, name, report = self.department()
        return download(report, extension, scope_name=name, request=request)
