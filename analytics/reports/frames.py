"""Skill gaps as pandas frames: frames in, frames out; no ORM, no request.

Columns used throughout:
  people:      person, department, job_role
  targets:     job_role, competency, department (None: every department), target
  proficiency: person, competency, level (NaN: unknown), source, stale
  competencies: competency, code, area, title
Unknown levels stay NaN from end to end: they are counted as unknown, never as 0.

Which groups are shown is decided by analytics.protection.suppression.
"""

import numpy as np
import pandas as pd

from analytics.protection.suppression import GROUP_METRICS


def resolve_targets(people: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Each person's target per competency: their job role's, or their department's override."""
    defaults = targets[targets["department"].isna()].drop(columns="department")
    overrides = targets[targets["department"].notna()]
    resolved = people.merge(defaults, on="job_role", how="inner")
    if not overrides.empty:
        resolved = resolved.merge(
            overrides.rename(columns={"target": "override"}),
            on=["job_role", "department", "competency"],
            how="left",
        )
        override_only = people.merge(overrides, on=["job_role", "department"], how="inner")
        resolved["target"] = resolved["override"].fillna(resolved["target"])
        resolved = resolved.drop(columns="override")
        missing = override_only.merge(
            resolved[["person", "competency"]],
            on=["person", "competency"],
            how="left",
            indicator=True,
        )
        missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
        resolved = pd.concat([resolved, missing], ignore_index=True)
    resolved["target"] = resolved["target"].astype(float)
    return resolved[resolved["target"] > 0].reset_index(drop=True)


def learner_gaps(
    people: pd.DataFrame, targets: pd.DataFrame, proficiency: pd.DataFrame
) -> pd.DataFrame:
    """One row per person and required competency: target, level, gap (NaN when unknown)."""
    gaps = resolve_targets(people, targets).merge(
        proficiency, on=["person", "competency"], how="left"
    )
    gaps["level"] = gaps["level"].astype(float)
    gaps["known"] = gaps["level"].notna()
    gaps["gap"] = (gaps["target"] - gaps["level"]).clip(lower=0)
    gaps["meets"] = gaps["known"] & (gaps["gap"] == 0)
    gaps["stale"] = gaps.get("stale", pd.Series(False, index=gaps.index)).fillna(False).astype(bool)
    return gaps


def group_summary(
    gaps: pd.DataFrame, by: list[str], roles_needing: pd.Series | None = None
) -> pd.DataFrame:
    """Per group: people in scope, how many are known, meeting target, below it, mean gap, and
    a priority score = mean gap x people below x roles needing the competency.

    Percentages of meeting are of the people whose level is known; the share unknown is
    reported beside them, so the two are never mixed.
    """
    if gaps.empty:
        return pd.DataFrame(columns=[*by, *GROUP_METRICS, "stale"])
    gaps = gaps.assign(_below=gaps["known"] & ~gaps["meets"])
    grouped = gaps.groupby(by, dropna=False, observed=True)
    summary = pd.DataFrame(
        {
            "people": grouped["person"].nunique(),
            "known": grouped["known"].sum(),
            "meeting": grouped["meets"].sum(),
            "below": grouped["_below"].sum().astype(int),
            "mean_gap": grouped["gap"].mean(),
            "stale": grouped["stale"].sum(),
        }
    ).reset_index()
    rows = grouped.size().reset_index(name="requirements")["requirements"].to_numpy()
    summary["unknown"] = rows - summary["known"]
    summary["pct_unknown"] = 100 * summary["unknown"] / rows
    summary["pct_meeting"] = 100 * summary["meeting"] / summary["known"].where(summary["known"] > 0)
    needing = 1
    if roles_needing is not None and "competency" in by:
        needing = summary["competency"].map(roles_needing).fillna(1)
    summary["priority"] = summary["mean_gap"].fillna(0) * summary["below"] * needing
    return summary


def coverage(gaps: pd.DataFrame) -> dict:
    """How complete the data is, over the requirements given: the caller passes only those in
    groups it shows, so no figure here can be told apart from the shown groups'."""
    if gaps.empty:
        return {
            "people_in_scope": 0,
            "people_with_evidence": None,
            "pct_unknown": None,
            "pct_stale": None,
            "sources": {},
            "targets": None,
            "unknown": None,
            "stale": None,
        }
    known = gaps[gaps["known"]]
    return {
        "people_in_scope": int(gaps["person"].nunique()),
        "people_with_evidence": int(known["person"].nunique()),
        "pct_unknown": float(100 * (~gaps["known"]).mean()),
        "pct_stale": float(100 * gaps["stale"].mean()),
        # The counts behind the two shares: a share rounded for display still says how many.
        "targets": len(gaps),
        "unknown": int((~gaps["known"]).sum()),
        "stale": int(gaps["stale"].sum()),
        "sources": {str(s): int(n) for s, n in known["source"].value_counts().items()},
    }


def roles_needing(targets: pd.DataFrame) -> pd.Series:
    """How many job roles need each competency (at any level above 0)."""
    needed = targets[(targets["target"] > 0) & targets["department"].isna()]
    return needed.groupby("competency")["job_role"].nunique()


def crosswalk_summary(gaps: pd.DataFrame, crosswalk: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The same gaps seen through another framework: each requirement counts towards every
    competency of the other framework it is linked to (`crosswalk`: competency, other)."""
    mapped = gaps.merge(crosswalk, on="competency", how="inner")
    mapped = mapped.drop(columns="competency").rename(columns={"other": "competency"})
    return group_summary(mapped, by)


def proficiency_from_evidence(
    evidence: pd.DataFrame, cutoff: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The reported level of every (person, competency) from raw evidence, optionally as it
    stood at `cutoff` — the vectorised form of competencies.proficiency.reported_level, used
    for monthly trends (tests check that both forms agree).

    `evidence`: person, competency, level (NaN for "I don't know"), source, at.
    """
    if cutoff is not None:
        evidence = evidence[evidence["at"] <= cutoff]
    keys = ["person", "competency"]
    if evidence.empty:
        return pd.DataFrame(columns=[*keys, "level", "source"])
    # At the same instant the higher level counts as the later, as in reported_level.
    ordered = evidence.sort_values(["at", "level"], na_position="first", kind="stable")

    def latest(source: str) -> pd.DataFrame:
        rows = ordered[ordered["source"] == source]
        return rows.groupby(keys).tail(1).set_index(keys)

    def best(source: str) -> pd.DataFrame:
        rows = ordered[(ordered["source"] == source) & ordered["level"].notna()]
        return rows.groupby(keys).agg(level=("level", "max"), at=("at", "max"))

    checks, completions = best("knowledge check"), best("course completion")
    validations = latest("manager validation")
    selves = latest("self-assessment")
    frame = pd.DataFrame(index=pd.MultiIndex.from_frame(evidence[keys].drop_duplicates()))
    frame["check"], frame["check_at"] = checks["level"], checks["at"]
    frame["validation"], frame["validation_at"] = validations["level"], validations["at"]
    frame["completion"], frame["self"] = completions["level"], selves["level"]
    use_validation = frame["validation"].notna() & (
        frame["check_at"].isna() | (frame["validation_at"] >= frame["check_at"])
    )
    frame["assessed"] = frame["validation"].where(use_validation, frame["check"])
    assessed_source = np.where(use_validation, "manager validation", "knowledge check")
    frame["level"] = frame["assessed"].fillna(frame["completion"]).fillna(frame["self"])
    frame["source"] = np.select(
        [frame["assessed"].notna(), frame["completion"].notna(), frame["self"].notna()],
        [assessed_source, "course completion", "self-assessment"],
        default="",
    )
    return frame[["level", "source"]].reset_index()
