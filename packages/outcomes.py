"""What a learner's time in a package amounted to, in one shape for every kind of package.

The cmi5 and scorm apps send `package_outcome` when a learner's result in a package changes
(completed, passed or failed, a new score); courses listens and turns it into lesson progress and
competency evidence. They answer `PackageProgress` for the course outline, the learning plan and
the certificate. Neither app knows about lessons; courses knows nothing of AUs or SCOs."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.dispatch import Signal

# Sent with sender=<the Package's model class> and outcome=<PackageOutcome>.
package_outcome = Signal()


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"  # completed with no pass/fail, or completed and not yet passed
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class PackageOutcome:
    """A learner's result in a whole package (a cmi5 course satisfied, a SCORM package's
    completion and success rolled up from its SCOs)."""

    user_id: int
    package_id: int
    completed: bool
    passed: bool | None  # None: the package sets no pass mark
    score_scaled: float | None  # -1.0 to 1.0, as xAPI's result.score.scaled
    duration_seconds: float | None
    occurred_at: datetime


@dataclass(frozen=True)
class PackageProgress:
    status: Status
    completed: bool
    passed: bool | None
    score_scaled: float | None
    can_resume: bool  # a suspended attempt or an open registration to come back to
    last_activity_at: datetime | None
    attempts: int


# A learner who has never launched the package.
NOT_STARTED = PackageProgress(
    status=Status.NOT_STARTED,
    completed=False,
    passed=None,
    score_scaled=None,
    can_resume=False,
    last_activity_at=None,
    attempts=0,
)
