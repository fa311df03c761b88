"""The competency chooser of the CMS (course targets, knowledge checks): every choice names its
framework, the organisation's primary framework comes first, and people find a competency by its
code, its title or its framework's name, or narrow the list to one framework."""

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenView,
)
from wagtail.snippets.widgets import AdminSnippetChooser

from competencies.models import Competency, Framework
from competencies.selectors import primary_framework, published_frameworks

# Enough for a whole framework on one page; search and the framework filter narrow it further.
PER_PAGE = 50


def competency_label(competency: Competency) -> str:
    """A competency as the chooser names it: codes and titles alone are ambiguous when the
    organisation's framework and a reference framework such as DigComp are both loaded."""
    return f"{competency.code} {competency.title} \N{EM DASH} {competency.framework.name}"


def primary_first(frameworks: QuerySet) -> QuerySet:
    primary = primary_framework()
    if primary is None:
        return frameworks.annotate(is_other=Value(1, output_field=IntegerField()))
    return frameworks.annotate(
        is_other=Case(When(pk=primary.pk, then=0), default=1, output_field=IntegerField())
    )


def choosable_competencies() -> QuerySet[Competency]:
    """The competencies of published frameworks, the primary framework's first, each framework
    in its own order."""
    primary = primary_framework()
    rank = (
        Case(When(framework_id=primary.pk, then=0), default=1, output_field=IntegerField())
        if primary is not None
        else Value(1, output_field=IntegerField())
    )
    return (
        Competency.objects.filter(framework__status=Framework.Status.PUBLISHED)
        .select_related("framework", "area")
        .annotate(framework_rank=rank)
        .order_by(
            "framework_rank",
            "framework__name",
            "framework__version",
            "area__sort_order",
            "sort_order",
            "code",
        )
    )


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, framework: Framework) -> str:
        return framework.name


class CompetencyFilterForm(BaseFilterForm):
    q = forms.CharField(
        label="Search by code, title or framework",
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    framework = FrameworkChoiceField(
        label="Framework",
        queryset=Framework.objects.none(),
        required=False,
        empty_label="All frameworks",
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = primary_first(published_frameworks()).order_by(
            "is_other", "name", "version"
        )

    def filter(self, objects):
        objects = super().filter(objects)
        framework = self.cleaned_data.get("framework")
        if framework is not None:
            objects = objects.filter(framework=framework)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            # Every word must match: a code ("DF.1", "1.3"), a word of the title, or of the
            # framework's name ("data digcomp").
            for word in query.split():
                objects = objects.filter(
                    Q(code__istartswith=word)
                    | Q(title__icontains=word)
                    | Q(framework__name__icontains=word)
                )
        return objects


class CompetencyChooseMixin:
    filter_form_class = CompetencyFilterForm

    def get_object_list(self):
        return choosable_competencies()

    def apply_object_list_ordering(self, objects):
        return objects

    @property
    def title_column(self):
        column = super().title_column
        column.label, column.accessor = "Competency", competency_label
        return column

    @property
    def columns(self):
        return [*super().columns, Column("area", label="Area", accessor="area.title")]


class CompetencyChooseView(CompetencyChooseMixin, ChooseView):
    pass


class CompetencyChooseResultsView(CompetencyChooseMixin, ChooseResultsView):
    pass


class CompetencyChosenView(SnippetChosenView):
    def get_display_title(self, instance: Competency) -> str:
        return competency_label(instance)


class CompetencyChooserWidget(AdminSnippetChooser):
    """Names the chosen competency with its framework, in forms and in knowledge-check blocks."""

    def get_display_title(self, instance: Competency) -> str:
        return competency_label(instance)


class CompetencyChooserViewSet(SnippetChooserViewSet):
    choose_view_class = CompetencyChooseView
    choose_results_view_class = CompetencyChooseResultsView
    chosen_view_class = CompetencyChosenView
    base_widget_class = CompetencyChooserWidget
