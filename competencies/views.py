"""Pages: browse frameworks; assess yourself; validate your direct reports' levels."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from accounts.models import User
from competencies import selectors
from competencies.forms import SelfAssessmentForm, ValidationForm
from competencies.proficiency import UNKNOWN, current_levels
from competencies.services import manager_validation_record, self_assessment_save
from organisations.selectors import direct_reports


class FrameworkListView(TemplateView):
    template_name = "competencies/framework_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "frameworks": selectors.published_frameworks(),
        }


class FrameworkMixin:
    def get_framework(self):
        framework = selectors.framework_by_slug(
            self.kwargs["slug"], self.request.GET.get("version")
        )
        if framework is None:
            raise Http404(_("No such framework."))
        return framework


class FrameworkDetailView(FrameworkMixin, TemplateView):
    template_name = "competencies/framework_detail.html"

    def get_context_data(self, **kwargs):
        framework = self.get_framework()
        return {
            **super().get_context_data(**kwargs),
            "framework": framework,
            "levels": framework.levels.all(),
            "areas": selectors.areas_with_competencies(framework),
        }


class CompetencyDetailView(FrameworkMixin, TemplateView):
    template_name = "competencies/competency_detail.html"

    def get_context_data(self, **kwargs):
        framework = self.get_framework()
        competency = selectors.competency_detail(framework, self.kwargs["code"])
        if competency is None:
            raise Http404(_("No such competency."))
        descriptors = {d.level: d for d in competency.descriptors.all()}
        levels = [(level, descriptors.get(level.number)) for level in framework.levels.all()]
        return {
            **super().get_context_data(**kwargs),
            "framework": framework,
            "competency": competency,
            "levels": levels,
            "level_names": selectors.level_names(framework),
        }


class PrimaryFrameworkMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        self.framework = selectors.primary_framework()
        if self.framework is None:
            raise Http404(_("No competency framework has been published yet."))
        return super().dispatch(request, *args, **kwargs)


class SelfAssessmentOverviewView(PrimaryFrameworkMixin, TemplateView):
    template_name = "competencies/self_assessment_overview.html"

    def get_context_data(self, **kwargs):
        answers = selectors.self_assessments_of(self.request.user, self.framework)
        areas = [
            (
                area,
                sum(1 for c in area.competencies.all() if c.pk in answers),
                len(area.competencies.all()),
            )
            for area in selectors.areas_with_competencies(self.framework)
        ]
        return {**super().get_context_data(**kwargs), "framework": self.framework, "areas": areas}


class SelfAssessmentAreaView(PrimaryFrameworkMixin, FormView):
    template_name = "competencies/self_assessment_area.html"
    form_class = SelfAssessmentForm

    def get_area(self):
        for area in selectors.areas_with_competencies(self.framework):
            if area.code == self.kwargs["area"]:
                return area
        raise Http404(_("No such area."))

    def get_form_kwargs(self):
        self.area = self.get_area()
        return {
            **super().get_form_kwargs(),
            "competencies": list(self.area.competencies.all()),
            "levels": selectors.level_names(self.framework),
            "answers": selectors.self_assessments_of(self.request.user, self.framework),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        descriptors = {
            (d.competency_id, d.level): d.translated("text")
            for c in self.area.competencies.all()
            for d in c.descriptors.all()
        }
        questions = []
        for competency in self.area.competencies.all():
            bound = form[form.field_name(competency)]
            options = [
                (
                    value,
                    label,
                    descriptors.get((competency.pk, int(value))) if value.isdigit() else None,
                )
                for value, label in bound.field.choices
            ]
            questions.append((competency, bound, options))
        return {**context, "framework": self.framework, "area": self.area, "questions": questions}

    def form_valid(self, form):
        changed = self_assessment_save(user=self.request.user, answers=form.answers())
        messages.success(
            self.request,
            ngettext(
                "Your answers for %(area)s are saved (%(count)s changed).",
                "Your answers for %(area)s are saved (%(count)s changed).",
                changed,
            )
            % {"area": self.area.translated("title"), "count": changed},
        )
        return redirect("self_assessment")


class SelfAssessmentResultsView(PrimaryFrameworkMixin, TemplateView):
    template_name = "competencies/self_assessment_results.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "framework": self.framework,
            "profile": selectors.competency_profile(self.request.user, self.framework),
            "level_names": selectors.level_names(self.framework),
        }


class TeamView(LoginRequiredMixin, TemplateView):
    """A line manager's direct reports."""

    template_name = "competencies/team.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reports": direct_reports(self.request.user)}


class DirectReportMixin(PrimaryFrameworkMixin):
    """Only a person's own line manager reaches their page; anyone else gets a 404, so that
    who reports to whom is not revealed either."""

    def get_learner(self) -> User:
        membership = get_object_or_404(
            direct_reports(self.request.user), user_id=self.kwargs["user_id"]
        )
        return membership.user


class TeamMemberView(DirectReportMixin, TemplateView):
    template_name = "competencies/team_member.html"

    def get_context_data(self, **kwargs):
        learner = self.get_learner()
        return {
            **super().get_context_data(**kwargs),
            "learner": learner,
            "framework": self.framework,
            "profile": selectors.competency_profile(learner, self.framework),
            "level_names": selectors.level_names(self.framework),
        }


class ValidateView(DirectReportMixin, FormView):
    template_name = "competencies/validate.html"
    form_class = ValidationForm

    def setup_objects(self):
        self.learner = self.get_learner()
        self.competency = selectors.competency_detail(self.framework, self.kwargs["code"])
        if self.competency is None:
            raise Http404(_("No such competency."))

    def get_form_kwargs(self):
        self.setup_objects()
        return {**super().get_form_kwargs(), "levels": selectors.level_names(self.framework)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # builds the form, which finds the learner
        answers = selectors.self_assessments_of(self.learner, self.framework)
        descriptors = {d.level: d.translated("text") for d in self.competency.descriptors.all()}
        return {
            **context,
            "learner": self.learner,
            "competency": self.competency,
            "descriptors": descriptors,
            "self_assessed": answers.get(self.competency.pk),
            "answered": self.competency.pk in answers,
            "current": current_levels(self.learner, self.framework).get(
                self.competency.pk, UNKNOWN
            ),
            "level_names": selectors.level_names(self.framework),
        }

    def form_valid(self, form):
        manager_validation_record(
            manager=self.request.user,
            learner=self.learner,
            competency=self.competency,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(
            self.request, _("Level recorded for %(code)s.") % {"code": self.competency.code}
        )
        return redirect("team_member", user_id=self.learner.pk)
