"""The mandatory-training page of the organisation's report pack: the compliance table the CTO
office reads on /reports/compliance/, with the same departments hidden."""

from django.conf import settings
from django.utils import timezone

from analytics.reports import compliance
from analytics.reports.assembly import Report
from analytics.reports.assigned import STATUS_ORDER


def pack_compliance(report: Report) -> dict | None:
    """What the pack template shows of compliance, for the organisation's pack only (a
    department's pack is read by its lead, who sees their own departments' page instead)."""
    if report.rows_label != "department":
        return None
    return {
        "assignments": compliance.compliance_report(
            now=timezone.now(), threshold=settings.ANALYTICS_MIN_GROUP_SIZE
        ),
        "statuses": [status.label for status in STATUS_ORDER],
        "threshold": settings.ANALYTICS_MIN_GROUP_SIZE,
    }
