"""A department lead's direct reports, each with their levels and gaps (pure: data in).

Names appear only here, and only for the person's own line manager (see
analytics/protection/access.py).
"""

from dataclasses import dataclass, field

import pandas as pd

from analytics.reports import frames
from competencies.proficiency import Reported


@dataclass(frozen=True)
class LevelRow:
    code: str
    title: str
    target: int
    level: int | None  # None: unknown, never 0
    source: str
    gap: int | None


@dataclass(frozen=True)
class PersonGaps:
    user_id: int
    name: str
    job_role: str
    rows: list[LevelRow] = field(default_factory=list)

    @property
    def meeting(self) -> int:
        return sum(1 for r in self.rows if r.gap == 0)

    @property
    def below(self) -> int:
        return sum(1 for r in self.rows if r.gap)

    @property
    def unknown(self) -> int:
        return sum(1 for r in self.rows if r.level is None)


def direct_report_gaps(
    reports: list[tuple[int, str, str]], inputs: dict, levels: dict[int, dict[str, Reported]]
) -> list[PersonGaps]:
    """`reports` are (user id, name, job role name); `levels` their current levels by user id
    and competency code, as competencies.proficiency.current_levels_of reads them, so that each
    person reads here as on their own pages and their line manager's team page, even while
    the report's figures are a minute old. Targets come from the report inputs."""
    people: pd.DataFrame = inputs["people"]
    mine = people[people["user"].isin([user for user, _, _ in reports])]
    person_of = dict(zip(mine["user"], mine["person"], strict=True))
    proficiency = pd.DataFrame(
        [
            (person_of[user], code, reported.level, reported.source or "")
            for user, by_code in levels.items()
            if user in person_of
            for code, reported in by_code.items()
        ],
        columns=["person", "competency", "level", "source"],
    )
    gaps = frames.learner_gaps(mine, inputs["targets"], proficiency)
    competencies = inputs["competencies"].sort_values(["order", "competency"])
    order = {code: index for index, code in enumerate(competencies["competency"])}
    titles = dict(zip(competencies["competency"], competencies["title"], strict=True))
    by_user: dict[int, list[LevelRow]] = {}
    for _, row in gaps.iterrows():
        known = bool(row["known"])
        by_user.setdefault(int(row["user"]), []).append(
            LevelRow(
                code=row["competency"],
                title=titles.get(row["competency"], ""),
                target=int(row["target"]),
                level=int(row["level"]) if known else None,
                source=str(row["source"]) if known and isinstance(row["source"], str) else "",
                gap=int(row["gap"]) if known else None,
            )
        )
    return [
        PersonGaps(
            user_id=user,
            name=name,
            job_role=role,
            rows=sorted(by_user.get(user, []), key=lambda r: order.get(r.code, len(order))),
        )
        for user, name, role in reports
    ]
