"""/reports/list/: the reports this person may see, in one place (the menu's "Reports")."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView

from analytics.protection import access
from assignments.scope import can_assign

VIEW_ALL_DEPARTMENTS = "organisations.view_all_departments"
VIEW_OWN_DEPARTMENT = "organisations.view_own_department"


@dataclass(frozen=True)
class ReportLink:
    title: str
    description: str
    url: str


def reports_for(user) -> list[ReportLink]:
    """Every report `user` may open, widest first; their own skills report always comes last."""
    links = []
    if access.may_view_all(user):
        links.append(
            ReportLink(
                gettext("Skills across the organisation"),
                gettext(
                    "Where each department's staff are short of the levels their job roles need, "
                    "the largest gaps and the courses that close them. Download the figures or a "
                    "PDF pack."
                ),
                reverse("organisation_report"),
            )
        )
    elif user.has_perm(access.VIEW_DEPARTMENT):
        links.append(
            ReportLink(
                gettext("Your department's skills"),
                gettext(
                    "Where your department's staff are short of the levels their job roles need, "
                    "and the levels of the people who report to you."
                ),
                reverse("my_department_report"),
            )
        )
    if user.has_perm(VIEW_ALL_DEPARTMENTS):
        links.append(
            ReportLink(
                gettext("Staff using the service, by department"),
                gettext("How many of each department's staff have signed up."),
                reverse("departments_overview"),
            )
        )
    if user.has_perm(VIEW_OWN_DEPARTMENT):
        links.append(
            ReportLink(
                gettext("People in your department"),
                gettext(
                    "How many people in your department use the service, by job role, and who "
                    "reports to you."
                ),
                reverse("my_department"),
            )
        )
    if can_assign(user):
        links.append(
            ReportLink(
                gettext("Assign training"),
                gettext(
                    "Ask people to complete a course or programme by a date, and see how far each "
                    "audience has got."
                ),
                reverse("assignments"),
            )
        )
    # Checked by permission alone: the menu asks on every page, and must not query for it.
    if access.may_view_all(user):
        links.append(
            ReportLink(
                gettext("Mandatory training across the organisation"),
                gettext(
                    "Where the people assigned each mandatory course or programme stand, by "
                    "department, with small groups hidden. Download the figures."
                ),
                reverse("compliance"),
            )
        )
    elif user.has_perm(access.VIEW_DEPARTMENT):
        links.append(
            ReportLink(
                gettext("Your department's mandatory training"),
                gettext(
                    "Where your department's people stand on each mandatory course or programme."
                ),
                reverse("department_compliance"),
            )
        )
        links.append(
            ReportLink(
                gettext("Your team's mandatory training"),
                gettext(
                    "Where each of the people who report to you stands on their mandatory training."
                ),
                reverse("team_compliance"),
            )
        )
    links.append(
        ReportLink(
            gettext("Your skills report"),
            gettext(
                "Your own level in each competency, what your job role needs, and the evidence "
                "behind each level."
            ),
            reverse("my_report"),
        )
    )
    return links


def sees_others_reports(user) -> bool:
    """True for people who may see a report beyond their own: the menu then offers "Reports"."""
    return len(reports_for(user)) > 1


class ReportsView(LoginRequiredMixin, TemplateView):
    template_name = "analytics/reports.html"

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "reports": reports_for(self.request.user)}
