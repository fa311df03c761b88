"""Page types and records of the courses app."""

from courses.models.drafts import AutosavedStart, abandoned_start
from courses.models.home import AudienceBlock, HomePage
from courses.models.pages import (
    CourseCompetencyTarget,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    in_source_language,
)
from courses.models.programmes import (
    ProgrammeCompetencyTarget,
    ProgrammeCompletion,
    ProgrammeCourse,
    ProgrammePage,
)
from courses.models.records import (
    Certificate,
    Enrolment,
    KnowledgeCheckAttempt,
    LearningPlanItem,
    LessonCompletion,
    LessonVisit,
    PackageEvidence,
)
from courses.models.workflows import CourseReviewTask

__all__ = [
    "AudienceBlock",
    "AutosavedStart",
    "Certificate",
    "CourseCompetencyTarget",
    "CourseIndexPage",
    "CoursePage",
    "CourseReviewTask",
    "Enrolment",
    "HomePage",
    "KnowledgeCheckAttempt",
    "LearningPlanItem",
    "LessonCompletion",
    "LessonPage",
    "LessonVisit",
    "ModulePage",
    "PackageEvidence",
    "ProgrammeCompetencyTarget",
    "ProgrammeCompletion",
    "ProgrammeCourse",
    "ProgrammePage",
    "abandoned_start",
    "in_source_language",
]
