"""Turning a forwarding endpoint back on in the CMS, in a real browser: the choice of earlier
statements is a section of radios named by its question, the screens pass axe-core, and the
list shows the endpoint's state."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.browser.axe import axe_violations
from tests.factories import ForwardingEndpointFactory, make_person, statement_data
from tests.mfa import activate_totp
from xapi.models import OutboxEntry
from xapi.services import statements_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLOW = 30_000


def test_an_administrator_turns_an_endpoint_back_on_with_the_statements_stored_meanwhile(
    new_page, sign_in_as
):
    administrator = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])
    activate_totp(administrator)
    endpoint = ForwardingEndpointFactory(name="City LRS", enabled=False)
    stored = statements_store(statements=[statement_data(), statement_data()], client=None)
    page = new_page(width=1280)
    page.set_default_timeout(SLOW)
    sign_in_as(page, administrator)

    page.goto(f"/cms/snippets/xapi/forwardingendpoint/edit/{endpoint.pk}/")
    choice = page.get_by_role(
        "region", name="If you turn this endpoint back on, which statements should it be sent?"
    )
    expect(choice.get_by_role("radio", name="Only statements stored from now on")).to_be_checked()
    assert axe_violations(page) == []

    page.get_by_role("checkbox", name="Enabled").check()
    choice.get_by_role("radio", name="Also the statements stored since a date").check()
    since = page.get_by_role("textbox", name="Send statements stored on or after this date")
    since.fill("2026-01-01")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("cell", name="Healthy")).to_be_visible()
    # Checked without Wagtail's "saved" banner, whose Edit button is Wagtail's own styling.
    page.goto("/cms/snippets/xapi/forwardingendpoint/")
    expect(page.get_by_role("cell", name="Healthy")).to_be_visible()
    assert axe_violations(page) == []
    queued = OutboxEntry.objects.filter(endpoint=endpoint).order_by("pk")
    assert [str(s) for s in queued.values_list("statement__statement_id", flat=True)] == stored
