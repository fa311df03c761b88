"""Compliance with mandatory training: the organisation's (CTO office, administrators), a
department lead's own departments (aggregated the same way), and a line manager's team by
name."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.generic import TemplateView, View

from analytics.exports.tables import TABLE_FORMATS, table_file
from analytics.protection import access
from analytics.protection.learners import may_view_compliance
from analytics.reports import compliance
from analytics.reports.assigned import STATUS_ORDER
from analytics.reports.learners import department_codes_within


class OrganisationComplianceMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_view_compliance(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _context(report, *, scope: str, with_totals: bool) -> dict:
    return {
        "report": report,
        "scope": scope,
        "with_totals": with_totals,
        "statuses": [status.label for status in STATUS_ORDER],
        "threshold": settings.ANALYTICS_MIN_GROUP_SIZE,
    }


class ComplianceView(OrganisationComplianceMixin, TemplateView):
    template_name = "analytics/compliance.html"

    def get_context_data(self, **kwargs) -> dict:
        report = compliance.compliance_report(
            now=timezone.now(), threshold=settings.ANALYTICS_MIN_GROUP_SIZE
        )
        return {
            **super().get_context_data(**kwargs),
            **_context(report, scope=gettext("All departments"), with_totals=True),
            "exports": [
                (gettext("Data (CSV)"), reverse("compliance_export", args=["csv"])),
                (gettext("Spreadsheet (XLSX)"), reverse("compliance_export", args=["xlsx"])),
            ],
        }


class ComplianceExportView(OrganisationComplianceMixin, View):
    def get(self, request, extension: str) -> HttpResponse:
        if extension not in TABLE_FORMATS:
            raise Http404("No such export format.")
        report = compliance.compliance_report(
            now=timezone.now(), threshold=settings.ANALYTICS_MIN_GROUP_SIZE
        )
        rows = [
            compliance.compliance_cells(item, row)
            for item in report
            for row in [*item.rows, item.total]
        ]
        body, content_type = table_file(
            extension, title=gettext("Compliance"), header=compliance.HEADER, rows=rows
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="compliance.{extension}"'
        return response


class DepartmentComplianceView(LoginRequiredMixin, TemplateView):
    """A department lead's departments (sub-departments included), from the organisation's
    protected table: the same figures, the same groups hidden."""

    template_name = "analytics/compliance.html"

    def get(self, request, *args, **kwargs):
        if not access.led_departments(request.user):
            if may_view_compliance(request.user):
                return redirect("compliance")
            if not request.user.has_perm(access.VIEW_DEPARTMENT):
                raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        # A lead not (yet) granted a department by an authority sees no department's figures.
        codes = set()
        for code in access.led_departments(self.request.user):
            codes.update(department_codes_within(code))
        report = compliance.compliance_report(
            now=timezone.now(), threshold=settings.ANALYTICS_MIN_GROUP_SIZE, departments=codes
        )
        return {
            **super().get_context_data(**kwargs),
            **_context(report, scope=gettext("Your departments"), with_totals=False),
            "no_departments": not codes,
        }


class TeamComplianceView(LoginRequiredMixin, TemplateView):
    """A line manager's direct reports by name: each one's mandatory training and where they
    stand. Anyone signed in may open it; it lists only the people who report to them."""

    template_name = "analytics/team_compliance.html"

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            "team": compliance.team_compliance(self.request.user, now=timezone.now()),
        }
