"""The CTO office's view: every department, aggregated, and one competency across them."""

from dataclasses import replace

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView, View

from analytics.protection import access
from analytics.reports import dashboard, drilldown, selectors, store_frames
from analytics.reports.assembly import skill_gap_report
from analytics.reports.crosswalk import OTHER_FRAMEWORKS, crosswalk_report
from analytics.reports.selectors import trend_points
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


def department_url(code: str) -> str:
    return report_url("department_report", code)


def department_cell_url(department: str, competency: str) -> str:
    return report_url("department_competency", department, competency)


def competency_url(competency: str) -> str:
    return report_url("organisation_competency", competency)


class AllReportsMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = access.VIEW_ALL


class OrganisationReportView(AllReportsMixin, TemplateView):
    """Department x competency: the heatmap, its table, top gaps, courses, data quality."""

    template_name = "analytics/organisation.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        report = skill_gap_report()
        context["report"] = report
        if report is None:
            return context
        report, _ = in_reader_language(report)
        context["report"] = report
        other = self.request.GET.get("framework", "")
        crosswalk = crosswalk_report(other) if other in OTHER_FRAMEWORKS else None
        if crosswalk is not None:
            # The other framework's titles are cached with its figures: read them again in the
            # reader's language, keeping the cached order.
            theirs = selectors.competency_titles(other)
            crosswalk = replace(
                crosswalk,
                titles={code: theirs.get(code, title) for code, title in crosswalk.titles.items()},
            )
            grid = dashboard.crosswalk_grid_of(
                report, crosswalk, column_url=department_url, competency_url=competency_url
            )
            context["crosswalk"] = crosswalk
        else:
            grid = dashboard.grid_of(
                report,
                column_url=department_url,
                cell_url=department_cell_url,
                total_url=competency_url,
            )
        context.update(
            grid=grid,
            other=other if crosswalk is not None else "",
            frameworks=OTHER_FRAMEWORKS,
            top_gaps=dashboard.top_gaps_of(report, url=competency_url),
            courses=recommendations(report, self.request),
            coverage=dashboard.coverage_of(report),
            trend=dashboard.trend_of(trend_points(None, report.threshold)),
            method=dashboard.method_notes(report.threshold, settings.ANALYTICS_STALE_AFTER_DAYS),
            exports=[
                (label, reverse("organisation_export", args=[extension]))
                for extension, label in EXPORT_LABELS
            ],
        )
        return context


class OrganisationCompetencyView(AllReportsMixin, TemplateView):
    """One competency across the organisation: its level distribution and each department."""

    template_name = "analytics/competency.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        report = skill_gap_report()
        inputs = store_frames.report_inputs()
        code = self.kwargs["competency"]
        if report is None or inputs is None:
            raise Http404("No competency framework has been published yet.")
        report, labels = in_reader_language(report)
        inputs = inputs_in(inputs, labels)
        column = dashboard.grid_of(
            report, column_url=department_url, cell_url=department_cell_url, with_svg=False
        )
        competency = competency_row(inputs, code)  # 404 for a code not in the framework
        context.update(
            report=report,
            competency=competency,
            scope_name=gettext("All departments"),
            distribution=drilldown.distribution(
                inputs,
                competency=code,
                level_names=framework_level_names(),
                threshold=report.threshold,
                visible=drilldown.shown_in(report, code),
                package_of=selectors.package_sources(code),
            ),
            breakdown=drilldown.breakdown(column, code),
            stale_after_days=settings.ANALYTICS_STALE_AFTER_DAYS,
            breakdown_label=gettext("Department"),
            back=(reverse("organisation_report"), gettext("Back to all departments")),
        )
        return context


class OrganisationExportView(AllReportsMixin, View):
    def get(self, request: HttpRequest, extension: str) -> HttpResponse:
        report = skill_gap_report()
        if report is None:
            raise Http404("No competency framework has been published yet.")
        report, _ = in_reader_language(report)
        return download(report, extension, scope_name=gettext("All departments"), request=request)
