"""Pre-condition rules over own and shared objectives, three-valued, without the database."""

from scorm.sequencing import Activity, shared_objectives, unavailable


def rule(action, *conditions, combination="all"):
    return {
        "action": action,
        "combination": combination,
        "conditions": [
            {"objective": objective, "operator": operator, "condition": condition}
            for objective, operator, condition in conditions
        ],
    }


WRITES = {"own": {"target": "g.first", "read": True, "write": True}}
READS = {"before": {"target": "g.first", "read": True, "write": False}}


def test_a_rule_on_a_shared_objective_follows_the_sco_that_writes_it():
    gated = rule(
        "disabled",
        ("before", "not", "satisfied"),
        ("before", "not", "objectiveStatusKnown"),
        combination="any",
    )
    first = Activity("first", "own", WRITES)
    second = Activity("second", "two", READS, [gated])
    assert [
        unavailable([first, second]),
        unavailable([Activity("first", "own", WRITES, [], True, True, "failed"), second]),
        unavailable([Activity("first", "own", WRITES, [], True, True, "passed"), second]),
    ] == [
        {"first": set(), "second": {"disabled"}},
        {"first": set(), "second": {"disabled"}},
        {"first": set(), "second": set()},
    ]
    assert shared_objectives([Activity("first", "own", WRITES, [], True, True, "passed")]) == {
        "g.first": "passed"
    }


def test_unknown_stays_unknown_under_not_and_unsupported_conditions_never_act():
    activities = [
        Activity("a", "own", {}, [rule("skip", ("", "not", "satisfied"))]),
        Activity("b", "own", {}, [rule("hiddenFromChoice", ("", "noOp", "attempted"))], True),
        Activity("c", "own", {}, [rule("disabled", ("", "noOp", "objectiveMeasureKnown"))]),
        Activity("d", "own", {}, [rule("skip", ("", "noOp", "always"))]),
    ]
    assert unavailable(activities) == {
        "a": set(),
        "b": {"hiddenFromChoice"},
        "c": set(),
        "d": {"skip"},
    }
