"""/reports/me/: a person's own levels, targets and gaps, with the evidence behind each."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from analytics.reports.selectors import own_report
from competencies.selectors import level_names, primary_framework


class MyReportView(LoginRequiredMixin, TemplateView):
    template_name = "analytics/me.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        framework = primary_framework()
        context["framework"] = framework
        if framework is None:
            return context
        own = own_report(self.request.user, framework)
        context.update(
            areas=own.areas,
            level_names=level_names(framework),
            needed=own.needed,
            meeting=own.meeting,
            below=own.below,
            unknown=own.unknown,
        )
        return context
