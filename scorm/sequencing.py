"""The part of SCORM 2004 sequencing the player honours beyond controlMode: pre-condition rules
(disabled, hiddenFromChoice, skip) over the SCOs' own and shared (global) objectives, as used for
forced order and prerequisites. Pure: takes plain data, returns which items are unavailable.

Conditions are three-valued, as in IMS SS: a condition on an unknown status is unknown, "not
unknown" stays unknown, and a rule acts only when its combination is true. Conditions on
measures, time and attempt limits are not evaluated (always unknown)."""

from dataclasses import dataclass, field

ACTIONS = ("disabled", "hiddenFromChoice", "skip")


@dataclass(frozen=True)
class Activity:
    identifier: str
    primary_objective: str = ""
    objective_maps: dict = field(default_factory=dict)
    preconditions: list = field(default_factory=list)
    # Where the learner stands in this attempt.
    attempted: bool = False
    completed: bool = False
    success: str = "unknown"  # passed, failed or unknown


def shared_objectives(activities: list[Activity]) -> dict[str, str]:
    """Global objectives' satisfaction as the activities that write them leave it: a SCO's
    primary objective mapped with writeSatisfiedStatus carries its success to the target."""
    shared: dict[str, str] = {}
    for activity in activities:
        mapping = activity.objective_maps.get(activity.primary_objective)
        if mapping and mapping.get("write") and activity.success != "unknown":
            shared[mapping["target"]] = activity.success
    return shared


def _objective_status(activity: Activity, objective: str, shared: dict[str, str]) -> str:
    objective = objective or activity.primary_objective
    mapping = activity.objective_maps.get(objective)
    if mapping and mapping.get("read") and mapping.get("target") in shared:
        return shared[mapping["target"]]
    if objective == activity.primary_objective:
        return activity.success
    return "unknown"


def _condition(activity: Activity, condition: dict, shared: dict[str, str]) -> bool | None:
    kind = condition.get("condition")
    status = _objective_status(activity, condition.get("objective", ""), shared)
    if kind == "always":
        value = True
    elif kind == "satisfied":
        value = None if status == "unknown" else status == "passed"
    elif kind == "objectiveStatusKnown":
        value = status != "unknown"
    elif kind == "completed":
        value = activity.completed if activity.attempted else None
    elif kind in ("activityProgressKnown", "attempted"):
        value = activity.attempted
    else:
        return None
    if condition.get("operator") == "not" and value is not None:
        return not value
    return value


def _rule_fires(activity: Activity, rule: dict, shared: dict[str, str]) -> bool:
    values = [_condition(activity, c, shared) for c in rule.get("conditions", [])]
    if not values:
        return False
    if rule.get("combination") == "any":
        return any(value is True for value in values)
    return all(value is True for value in values)


def unavailable(activities: list[Activity]) -> dict[str, set[str]]:
    """Each activity's identifier mapped to the actions its pre-condition rules take now."""
    shared = shared_objectives(activities)
    return {
        activity.identifier: {
            rule["action"]
            for rule in activity.preconditions
            if rule.get("action") in ACTIONS and _rule_fires(activity, rule, shared)
        }
        for activity in activities
    }
