"""The catalogue: programmes, search, filters, and courses recommended from the person's gaps."""

from django import forms
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from competencies.selectors import areas_with_competencies, primary_framework
from courses import programmes, selectors
from courses.models import CoursePage

# The length filter's choices, in the words of the catalogue's own language.
DURATION_LABELS = {
    "short": gettext_lazy("Under 1 hour"),
    "medium": gettext_lazy("1 to 3 hours"),
    "long": gettext_lazy("Over 3 hours"),
}


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search courses"), required=False, max_length=100)
    area = forms.ChoiceField(label=gettext_lazy("Skill area"), required=False)
    competency = forms.ChoiceField(label=gettext_lazy("Competency"), required=False)
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("", gettext_lazy("Any level")), *CoursePage.Level.choices],
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("Any format")), *CoursePage.Format.choices],
    )
    duration = forms.ChoiceField(
        label=gettext_lazy("Length"),
        required=False,
        choices=[("", gettext_lazy("Any length"))]
        + [(key, DURATION_LABELS[key]) for key in selectors.DURATIONS],
    )

    def __init__(self, data=None, *args, areas=(), **kwargs):
        # The competency list follows the chosen area. A competency from another area is set
        # aside: the area wins, and the page says which competency it did not use.
        self.competency_set_aside = None
        chosen = next((a for a in areas if data and a.code == data.get("area")), None)
        if chosen is not None:
            others = {c.code: c for a in areas if a != chosen for c in a.competencies.all()}
            if data.get("competency") in others:
                self.competency_set_aside = others[data["competency"]]
                data = data.copy()
                data["competency"] = ""
        super().__init__(data, *args, **kwargs)
        self.fields["area"].choices = [("", gettext("Any area"))] + [
            (area.code, f"{area.code} {area.title}") for area in areas
        ]
        if chosen is not None:
            competencies = [(c.code, f"{c.code} {c.title}") for c in chosen.competencies.all()]
        else:
            competencies = [
                (
                    f"{area.code} {area.title}",
                    [(c.code, f"{c.code} {c.title}") for c in area.competencies.all()],
                )
                for area in areas
            ]
        self.fields["competency"].choices = [("", gettext("Any competency")), *competencies]


class CatalogueView(TemplateView):
    template_name = "courses/catalogue.html"

    def get_context_data(self, **kwargs):
        framework = primary_framework()
        areas = areas_with_competencies(framework) if framework else []
        form = CatalogueFilterForm(self.request.GET or None, areas=areas)
        filters = {}
        if form.is_valid():
            data = form.cleaned_data
            filters = {
                "query": data["q"],
                "competency": data["competency"],
                "area": data["area"],
                "level": data["level"],
                "course_format": data["format"],
                "duration": data["duration"],
            }
        courses = list(selectors.catalogue(**filters))
        recommended = (
            selectors.recommendations(self.request.user)
            if self.request.user.is_authenticated and not any(filters.values())
            else []
        )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            # Programmes are listed in full above the courses; the filters narrow the courses.
            "programmes": [] if any(filters.values()) else programmes.programme_catalogue(),
            "courses": courses,
            "recommended": recommended,
            "filtered": any(filters.values()),
            "invalid": form.is_bound and not form.is_valid(),
            "competency_set_aside": form.competency_set_aside,
        }
