"""People's current levels as the reporting store keeps them: the reader every page uses,
through competencies.proficiency.current_levels (one query, however many people)."""

from collections import defaultdict

from analytics.models import Proficiency
from competencies.models import Competency
from competencies.proficiency import Reported, Source, current_levels_of


def stored_levels(user_ids: list[int], framework_id: int) -> dict[int, dict[int, Reported]]:
    """user id -> competency id -> the level the projection worked out from their evidence."""
    levels: dict[int, dict[int, Reported]] = defaultdict(dict)
    rows = Proficiency.objects.filter(
        learner__user_id__in=user_ids, competency__framework_id=framework_id
    ).values_list(
        "learner__user_id",
        "competency_id",
        "level",
        "source",
        "evidence_at",
        "assessed_level",
        "completion_level",
        "self_level",
    )
    for user_id, competency_id, level, source, at, assessed, completion, self_level in rows:
        levels[user_id][competency_id] = Reported(
            level=level,
            source=Source(source) if source else None,
            at=at,
            assessed=assessed,
            completion=completion,
            self_level=self_level,
        )
    return dict(levels)


def current_levels_by_code(
    user_ids: list[int], framework_id: int
) -> dict[int, dict[str, Reported]]:
    """competencies.proficiency.current_levels_of keyed by competency code, as report frames
    are (one more query)."""
    levels = current_levels_of(user_ids, framework_id)
    codes = dict(Competency.objects.filter(framework_id=framework_id).values_list("pk", "code"))
    return {
        user_id: {codes[pk]: reported for pk, reported in by_id.items() if pk in codes}
        for user_id, by_id in levels.items()
    }
