"""Thin adapters from Django signals to course services."""

from django.db import connections


def site_align_after_migrate(sender, using: str = "default", **kwargs) -> None:
    # After every migrate (make run, a deployment), the default site that the migrations create
    # as localhost follows SITE_URL. A partial migrate may not have created the sites table yet.
    from wagtail.models import Site

    from courses.services import site_align_with_site_url

    if Site._meta.db_table in connections[using].introspection.table_names():
        site_align_with_site_url(using=using)


def package_outcome_received(sender, outcome, **kwargs) -> None:
    # A learner's result in a course package changed (sent by the cmi5 and scorm apps).
    from courses.services import package_outcome_record

    package_outcome_record(outcome=outcome)
