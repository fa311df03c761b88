"""The cached report: fresh for a minute, and recomputed by one process at a time."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from analytics import reports, selectors
from analytics.reports import FRESH_SECONDS, skill_gap_report
from tests.analytics.scenario import build_organisation

COMPUTING = "analytics:report:*:computing"


@pytest.fixture
def stale(framework, monkeypatch):
    """A cached report whose evidence has since changed, a little over a minute old."""
    build_organisation()
    first = skill_gap_report()
    monkeypatch.setattr(selectors, "projection_version", lambda: "9.0")
    later = first.computed_at + FRESH_SECONDS + 1
    monkeypatch.setattr(reports, "time", SimpleNamespace(time=lambda: later))
    return first


@pytest.mark.django_db
def test_a_stale_report_is_served_while_another_process_recomputes_it(stale):
    cache.add(COMPUTING, True)  # another process is at it

    report = skill_gap_report()

    assert (report.version, report.computed_at) == (stale.version, stale.computed_at)


@pytest.mark.django_db
def test_a_stale_report_is_recomputed_by_the_first_process_to_ask(stale):
    report = skill_gap_report()

    assert report.version == "9.0"
    assert report.computed_at > stale.computed_at
    assert cache.get(COMPUTING) is None  # the next change can be picked up
