"""Page types and records of the courses app."""

from courses.models.home import AudienceBlock, HomePage

__all__ = ["AudienceBlock", "HomePage"]
