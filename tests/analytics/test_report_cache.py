"""Cached reports: fresh for a minute, recomputed by one process at a time, and kept computed
ahead of readers by refresh_reports."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.services import user_deactivate, user_reactivate
from analytics.reports import assembly, crosswalk, freshness, store_frames
from analytics.reports.assembly import skill_gap_report
from analytics.reports.freshness import FRESH_SECONDS
from organisations.models import Department, Membership
from organisations.services import membership_set

COMPUTING = "analytics:report:*:computing"


@pytest.fixture
def stale(shared_organisation, monkeypatch):
    """A cached report whose evidence has since changed, a little over a minute old."""
    first = skill_gap_report()
    monkeypatch.setattr(store_frames, "projection_version", lambda: "9.0")
    later = first.computed_at + FRESH_SECONDS + 1
    monkeypatch.setattr(freshness, "now", lambda: later)
    return first


def refuse_to_compute(monkeypatch):
    def computing(*args, **kwargs):
        raise AssertionError("the report was computed on the reader's request")

    monkeypatch.setattr(assembly, "compute_report", computing)
    monkeypatch.setattr(crosswalk, "crosswalk_compute", computing)
    monkeypatch.setattr(store_frames, "people_frame", computing)


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


@pytest.mark.django_db
def test_a_report_within_its_minute_is_served_even_if_evidence_changed(
    shared_organisation, monkeypatch
):
    first = skill_gap_report()
    monkeypatch.setattr(store_frames, "projection_version", lambda: "9.0")
    refuse_to_compute(monkeypatch)

    assert skill_gap_report().computed_at == first.computed_at


@pytest.mark.django_db
def test_with_nothing_cached_a_reader_waits_for_the_process_computing_it(
    shared_organisation, monkeypatch
):
    cache.add(COMPUTING, True)  # another process started on it
    ready = freshness.Copy("the other process's report", "1.0", freshness.now())
    monkeypatch.setattr(
        freshness.time, "sleep", lambda seconds: cache.set("analytics:report:*", ready)
    )
    refuse_to_compute(monkeypatch)

    assert skill_gap_report() == "the other process's report"


@pytest.mark.django_db
def test_refresh_reports_computes_every_report_ahead_of_readers(
    shared_organisation, monkeypatch, capsys
):

    call_command("refresh_reports")

    departments = Department.objects.count()
    assert f"Computed {departments + 2} reports" in capsys.readouterr().out
    refuse_to_compute(monkeypatch)
    assert skill_gap_report().scope == ""
    for code in Department.objects.values_list("code", flat=True):
        assert skill_gap_report(code).scope == code
    assert crosswalk.crosswalk_report().other == crosswalk.DIGCOMP


@pytest.mark.django_db
def test_refresh_reports_before_any_framework_says_so(capsys):
    call_command("refresh_reports")

    assert "No competency framework is published yet" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_move_or_a_closed_account_makes_the_reports_compute_again(shared_organisation):
    """Reports follow the organisation, not only the evidence: an approved move or a leaver
    changes which group counts whom."""
    person = Membership.objects.select_related("user").first()
    other = Department.objects.exclude(pk=person.department_id).first()
    versions = [store_frames.projection_version()]

    membership_set(user=person.user, department=other, job_role=person.job_role)
    versions.append(store_frames.projection_version())
    user_deactivate(user=person.user)
    versions.append(store_frames.projection_version())
    user_reactivate(user=person.user)
    versions.append(store_frames.projection_version())

    # Reopened, the organisation is as it was after the move, and so is its version.
    assert len(set(versions[:3])) == 3
    assert versions[3] == versions[1]


@pytest.mark.django_db
def test_people_with_closed_accounts_count_in_no_group(shared_organisation):
    leaver = Membership.objects.select_related("user").first()
    counted = set(store_frames.people_frame()["user"])

    user_deactivate(user=leaver.user)

    assert set(store_frames.people_frame()["user"]) == counted - {leaver.user_id}
