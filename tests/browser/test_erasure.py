"""Erasing a person's learning records identity in the CMS, in a real browser: the screens pass
axe-core, reflow at 320 px and work with JavaScript off (at a width where Wagtail's own sidebar,
which needs JavaScript to fold away, leaves room for the page)."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.factories import make_person
from tests.mfa import activate_totp
from xapi.identity import learner_agent
from xapi.models import LearnerIdentity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLOW = 30_000


@pytest.mark.parametrize(("width", "javascript"), [(1280, True), (320, True), (1280, False)])
def test_an_administrator_erases_a_person_through_accessible_screens(
    new_page, sign_in_as, width, javascript
):
    administrator = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])
    activate_totp(administrator)
    person = make_person(email="sam.jones@example.gov.uk", first_name="Sam", last_name="Jones")
    learner_agent(user=person)
    page = new_page(width=width, javascript=javascript)
    page.set_default_timeout(SLOW)
    sign_in_as(page, administrator)

    page.goto("/cms/learning-records/erase/")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    page.get_by_label("Email address").fill("sam.jones@example.gov.uk")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(
        f"{page.url.split('/cms/')[0]}/cms/learning-records/erase/{person.pk}/"
    )
    expect(
        page.get_by_role(
            "heading",
            name="Erase the learning records identity of Sam Jones (sam.jones@example.gov.uk)?",
        )
    ).to_be_visible()
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)

    page.get_by_role("button", name="Erase learning records identity").click()

    expect(
        page.get_by_text("The learning records identity of sam.jones@example.gov.uk was erased.")
    ).to_be_visible()
    assert not LearnerIdentity.objects.filter(user=person).exists()
    # The message fades in: check its contrast once it has. Only the message's own animations
    # count: a menu badge of Wagtail's pulses for 25 s.
    page.wait_for_function(
        "() => document.querySelector('[data-w-messages-target=container]')"
        ".getAnimations({subtree: true}).every(a => a.playState !== 'running')"
    )
    assert (axe_violations(page), horizontal_overflow(page)) == ([], 0)
