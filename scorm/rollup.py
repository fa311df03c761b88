"""From each SCO's CMI data to the package's result: the LMS's part of SCORM (1.2's masteryscore,
2004's scaled passing score and the basic rollup of completion and satisfaction). Pure."""

from dataclasses import dataclass

from scorm.cmi import CmiSummary


@dataclass(frozen=True)
class ScoRules:
    """What the manifest says about judging one SCO."""

    is_sco: bool
    mastery_score: float | None  # SCORM 1.2, 0 to 100 against score.raw
    scaled_passing_score: float | None  # SCORM 2004, against score.scaled
    counts_for_completion: bool = True
    counts_for_success: bool = True


@dataclass(frozen=True)
class ScoResult:
    completion_status: str
    success_status: str
    score_scaled: float | None


@dataclass(frozen=True)
class Rollup:
    completed: bool
    passed: bool | None  # None: nothing in the package is passed or failed
    score_scaled: float | None


def sco_result(summary: CmiSummary, rules: ScoRules) -> ScoResult:
    """The statuses the LMS records for a SCO after a commit."""
    completion, success = summary.completion_status, summary.success_status
    if rules.mastery_score is not None and summary.score_raw is not None:
        # SCORM 1.2 (RTE 3.4.4): with a mastery score in the manifest and a raw score from the
        # SCO, the LMS decides passed or failed, whatever status the SCO set.
        success = "passed" if summary.score_raw >= rules.mastery_score else "failed"
        completion = "completed"
    elif rules.scaled_passing_score is not None and summary.score_scaled is not None:
        # SCORM 2004 (RTE 4.2.22): a scaled passing score in effect decides success_status.
        success = "passed" if summary.score_scaled >= rules.scaled_passing_score else "failed"
    return ScoResult(completion, success, summary.score_scaled)


def package_rollup(results: list[tuple[ScoRules, ScoResult | None]]) -> Rollup:
    """Completed when every SCO that counts is completed. Failed as soon as one SCO that counts
    failed; passed once one passed and every other that counts is passed or, judging no
    success of its own, completed (SCORM 2004 sets an unjudged SCO's objective satisfied as its
    attempt ends); until then undecided (None), and None throughout when nothing in the package
    judges success. The score is the mean of the scaled scores reported. `None` stands for a
    SCO not yet opened in this attempt."""
    counted = [(rules, result) for rules, result in results if rules.counts_for_completion]
    completed = bool(counted) and all(
        result is not None and result.completion_status == "completed" for _, result in counted
    )
    statuses = [_satisfaction(rules, r) for rules, r in results if rules.counts_for_success]
    passed: bool | None = None
    if "failed" in statuses:
        passed = False
    elif "passed" in statuses and all(s in ("passed", "completed") for s in statuses):
        passed = True
    scores = [r.score_scaled for _, r in results if r is not None and r.score_scaled is not None]
    score = round(sum(scores) / len(scores), 4) if scores else None
    return Rollup(completed=completed, passed=passed, score_scaled=score)


def _satisfaction(rules: ScoRules, result: ScoResult | None) -> str:
    if result is None:
        return "unknown"
    if result.success_status in ("passed", "failed"):
        return result.success_status
    judges = rules.mastery_score is not None or rules.scaled_passing_score is not None
    if not judges and result.completion_status == "completed":
        return "completed"
    return "unknown"
