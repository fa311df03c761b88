"""Wagtail's default site follows SITE_URL, so page links people receive name the real site."""

import logging

import pytest
from django.apps import apps
from django.core import mail
from django.db.models.signals import post_migrate, post_save
from wagtail.models import Site

from accounts.roles import Role
from courses.services import site_align_with_site_url
from tests.courses.drafts import act, draft_course, submit
from tests.factories import make_person

pytestmark = pytest.mark.django_db

SITE_URL = "https://learning.city.example.gov"


def default_site() -> tuple:
    site = Site.objects.get(is_default_site=True)
    return site.hostname, site.port, site.site_name, site.root_url


@pytest.fixture
def on_localhost(db):
    """The default site as the migrations create it."""
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80, site_name="")


def test_the_default_site_takes_the_host_port_and_service_name_of_site_url(settings, on_localhost):
    settings.SITE_URL = SITE_URL
    settings.SERVICE_NAME = "City Learning"

    site_align_with_site_url()

    assert default_site() == ("learning.city.example.gov", 443, "City Learning", SITE_URL)


def test_a_site_url_with_a_port_gives_the_site_that_port(settings, on_localhost):
    settings.SITE_URL = "http://127.0.0.1:8123"

    site_align_with_site_url()

    assert default_site()[:2] == ("127.0.0.1", 8123)
    assert default_site()[3] == "http://127.0.0.1:8123"


def test_without_a_service_name_the_site_keeps_its_name(settings, on_localhost):
    Site.objects.filter(is_default_site=True).update(site_name="Named by an editor")
    settings.SITE_URL = SITE_URL
    del settings.SERVICE_NAME

    site_align_with_site_url()

    assert default_site() == ("learning.city.example.gov", 443, "Named by an editor", SITE_URL)


def test_aligning_again_writes_nothing(settings, on_localhost):
    settings.SITE_URL = SITE_URL
    site_align_with_site_url()
    saves = []

    def count(sender, **kwargs):
        saves.append(sender)

    post_save.connect(count, sender=Site)
    try:
        site_align_with_site_url()
    finally:
        post_save.disconnect(count, sender=Site)

    assert saves == []
    assert Site.objects.count() == 1


def test_a_host_another_site_holds_is_left_to_it(settings, on_localhost, caplog):
    root = Site.objects.get(is_default_site=True).root_page
    Site.objects.create(hostname="learning.city.example.gov", port=443, root_page=root)
    settings.SITE_URL = SITE_URL
    settings.SERVICE_NAME = "City Learning"

    with caplog.at_level(logging.WARNING, logger="courses.services"):
        site_align_with_site_url()

    assert default_site() == ("localhost", 80, "City Learning", "http://localhost")
    assert caplog.messages == [
        "Another Wagtail site already answers at learning.city.example.gov:443; the default "
        "site keeps localhost:80."
    ]


def test_every_migrate_aligns_the_site(settings, on_localhost):
    settings.SITE_URL = SITE_URL
    courses = apps.get_app_config("courses")

    post_migrate.send(
        sender=courses,
        app_config=courses,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )

    assert default_site()[:2] == ("learning.city.example.gov", 443)


def test_the_approved_course_email_links_to_the_page_on_site_url(
    settings, on_localhost, training_lead
):
    settings.SITE_URL = SITE_URL
    site_align_with_site_url()
    reviewer = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    course = draft_course(training_lead)
    submit(course, training_lead)
    mail.outbox.clear()

    act(course, reviewer, "approve")

    approved = [m for m in mail.outbox if m.to == [training_lead.email]]
    assert len(approved) == 1
    links = [
        line.split("You can view the page here:")[1].strip()
        for line in approved[0].body.splitlines()
        if "You can view the page here:" in line
    ]
    assert links == [f"{SITE_URL}/courses/writing-for-the-web/"]
