"""/reports/me/: a person's own levels, targets and gaps, with the evidence behind each."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from analytics.reports.selectors import EvidenceItem, OwnLevel, own_levels
from competencies.models import Competency
from competencies.proficiency import gap
from competencies.selectors import (
    areas_with_competencies,
    level_names,
    primary_framework,
    role_targets,
)


@dataclass(frozen=True)
class OwnRow:
    competency: Competency
    target: int | None
    level: OwnLevel | None  # None: no evidence at all
    evidence: list[EvidenceItem]

    @property
    def reported(self) -> int | None:
        return self.level.level if self.level else None

    @property
    def gap(self) -> int | None:
        return gap(self.target, self.reported)


class MyReportView(LoginRequiredMixin, TemplateView):
    template_name = "analytics/me.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        framework = primary_framework()
        context["framework"] = framework
        if framework is None:
            return context
        targets = role_targets(self.request.user, framework)
        levels, evidence = own_levels(self.request.user, framework)
        areas = [
            (
                area,
                [
                    OwnRow(c, targets.get(c.pk), levels.get(c.pk), evidence.get(c.pk, []))
                    for c in area.competencies.all()
                ],
            )
            for area in areas_with_competencies(framework)
        ]
        rows = [row for _, rows in areas for row in rows if row.target]
        context.update(
            areas=areas,
            level_names=level_names(framework),
            needed=len(rows),
            meeting=sum(1 for r in rows if r.gap == 0),
            below=sum(1 for r in rows if r.gap),
            unknown=sum(1 for r in rows if r.reported is None),
        )
        return context
