"""The learners of one course (and of one programme): who they are, how far they are, and
their assignment, for the training lead who owns the page and for people who see every report."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView, View

from accounts.models import User
from analytics.exports.tables import TABLE_FORMATS, table_file
from analytics.protection.learners import may_view_learners
from analytics.reports import learners
from assignments.selectors import assignments_version
from courses.models import CoursePage, ProgrammePage
from organisations.selectors import departments, job_roles

PAGE_SIZE = 50
# How long the people on a page are kept while no assignment changes.
PAGE_SECONDS = 60


def page_links(page: Page) -> list:
    """The page numbers to link to: the first and last, and those beside the current one, with
    Paginator.ELLIPSIS for the gaps (a national course has thousands of pages)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


class LearnerFilterForm(forms.Form):
    department = forms.ChoiceField(required=False, label=gettext_lazy("Department"))
    job_role = forms.ChoiceField(required=False, label=gettext_lazy("Job role"))
    assignment = forms.ChoiceField(required=False, label=gettext_lazy("Assignment"))

    def __init__(self, data, *, assignments: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["department"].choices = [("", gettext("Any department"))] + [
            (d.code, d.name) for d in departments()
        ]
        self.fields["job_role"].choices = [("", gettext("Any job role"))] + [
            (r.code, r.name) for r in job_roles()
        ]
        self.fields["assignment"].choices = [
            ("", gettext("Assigned or not")),
            (learners.ASSIGNED, gettext("Assigned")),
            (learners.NOT_ASSIGNED, gettext("Not assigned")),
            *((str(pk), label) for pk, label in assignments),
        ]
        self.fields["department"].error_messages["invalid_choice"] = gettext(
            "Choose a department from the list"
        )
        self.fields["job_role"].error_messages["invalid_choice"] = gettext(
            "Choose a job role from the list"
        )
        self.fields["assignment"].error_messages["invalid_choice"] = gettext(
            "Choose one of the assignments listed"
        )

    def filters(self) -> learners.LearnerFilters:
        return learners.LearnerFilters(**self.cleaned_data)


class LearnersMixin(LoginRequiredMixin):
    """The course (or programme) named in the URL, refused (403) to anyone but its owning
    training lead and people who see every report; the filters from the query string."""

    kind = "course"
    export_url_name = "course_learners_export"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.kind == "programme":
            page = get_object_or_404(ProgrammePage, pk=kwargs["programme_id"])
            self.item = learners.programme_item(page)
        else:
            self.item = learners.course_item(get_object_or_404(CoursePage, pk=kwargs["course_id"]))
        if not may_view_learners(request.user, self.item.page):
            raise PermissionDenied
        self.form = LearnerFilterForm(request.GET, assignments=learners.item_assignments(self.item))
        return super().dispatch(request, *args, **kwargs)

    def query(self) -> str:
        """The filters as a query string, for links to other pages and to the downloads."""
        return urlencode({k: v for k, v in self.form.cleaned_data.items() if v})


class CourseLearnersView(LearnersMixin, TemplateView):
    template_name = "analytics/learners.html"

    def get(self, request, *args, **kwargs):
        if not self.form.is_valid():
            context = self.get_context_data(rows=None, page=None, query="", exports=[])
            return self.render_to_response(context, status=400)
        query = self.query()
        people = learners.learners(self.item, self.form.filters())
        paginator = Paginator(people.values_list("pk", flat=True), PAGE_SIZE)
        page = self.page_of(paginator, query, request.GET.get("page") or 1)
        # The page's people first, then their figures: only theirs are computed.
        shown = learners.with_figures(self.item, User.objects.filter(pk__in=list(page)))
        base = reverse(self.export_url_name, args=[self.item.page.pk, "csv"])[: -len("csv")]
        context = self.get_context_data(
            rows=[
                learners.learner_cells(row) for row in learners.learner_rows(self.item, list(shown))
            ],
            page=page,
            page_range=page_links(page),
            query=query,
            exports=[
                (label, f"{base}{extension}{'?' + query if query else ''}")
                for extension, label in (
                    ("csv", gettext("Data (CSV)")),
                    ("xlsx", gettext("Spreadsheet (XLSX)")),
                )
            ],
        )
        return self.render_to_response(context)

    def page_of(self, paginator: Paginator, query: str, number) -> Page:
        """One page of the filtered people. Counting and ordering every learner of a national
        course takes about a second, so which people are on each page is kept for the current
        minute and version of the assignments (their figures are always read afresh)."""
        key = (
            f"learners:{self.item.kind}:{self.item.page.pk}:{assignments_version()}:"
            f"{timezone.now():%Y%m%d%H%M}:{number}:{query}"
        )
        found = cache.get(key)
        if found is None:
            try:
                page = paginator.page(number)
            except InvalidPage:
                raise Http404("No such page of learners.") from None
            found = (paginator.count, page.number, list(page))
            cache.set(key, found, PAGE_SECONDS)
        # The paginator takes the count found with the page rather than counting again.
        paginator.count, number, people = found
        return Page(people, number, paginator)

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            "item": self.item.page,
            "item_kind": self.item.kind,
            "form": self.form,
            "header": learners.HEADER,
        }


class CourseLearnersExportView(LearnersMixin, View):
    def get(self, request, *args, extension: str, **kwargs) -> HttpResponse:
        if extension not in TABLE_FORMATS:
            raise Http404("No such export format.")
        if not self.form.is_valid():
            errors = "; ".join(e for field in self.form.errors.values() for e in field)
            return HttpResponse(f"{errors}.", status=400, content_type="text/plain")
        people = learners.learners(self.item, self.form.filters())
        shown = list(learners.with_figures(self.item, people))
        rows = [
            learners.learner_cells(row)
            for row in learners.learner_rows(self.item, shown, among=people)
        ]
        body, content_type = table_file(
            extension, title=gettext("Learners"), header=learners.HEADER, rows=rows
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="learners-{self.item.page.slug}.{extension}"'
        )
        return response


class ProgrammeLearnersView(CourseLearnersView):
    kind = "programme"
    export_url_name = "programme_learners_export"


class ProgrammeLearnersExportView(CourseLearnersExportView):
    kind = "programme"
