"""The CMS roster screens: upload, check the change, confirm; problems shown by line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from organisations.models import Membership
from organisations.roster.services import roster_import
from tests.html import table, texts
from tests.organisations.roster.rosters import person, roster, written

URL = "/cms/organisation/roster/"
CONFIRM = "/cms/organisation/roster/confirm/"


def upload(client, content: bytes, **fields):
    return client.post(URL, {"file": SimpleUploadedFile("staff.csv", content), **fields})


@pytest.mark.django_db
def test_administrator_uploads_checks_and_confirms_a_roster(client, administrator, department):
    client.force_login(administrator)
    assert client.get(URL).status_code == 200
    before = written()

    preview = upload(client, roster(person("E1"), person("E2", line_manager_employee_number="E1")))

    html = preview.content.decode()
    assert preview.status_code == 200
    assert texts(html, "//main//h2/following-sibling::ul[1]/li") == [
        "staff.csv: 2 people.",
        "People: 2 new, 0 moved, 0 leaving, 0 updated, 0 unchanged.",
        "Departments: 0 added, 0 changed. Job roles: 0 added, 0 changed.",
    ]
    assert table(html, "What changes") == [
        ["Change", "Line", "Who or what", "Detail"],
        ["new", "2", "E1 e1@city.example.gov", "department CRS"],
        ["new", "3", "E2 e2@city.example.gov", "department CRS; line manager E1"],
    ]
    assert written() == before

    applied = client.post(
        CONFIRM, {"action": "apply", "fingerprint": preview.context["fingerprint"]}
    )

    assert applied.status_code == 302
    assert applied.url == URL
    assert sorted(
        Membership.objects.values_list(
            "employee_number", "line_manager__membership__employee_number"
        )
    ) == [
        ("E1", None),
        ("E2", "E1"),
    ]
    entry = ModelLogEntry.objects.filter(action="lms.membership.change").first()
    assert (entry.user_id, entry.data["via"]) == (administrator.pk, "HR roster staff.csv")
    again = client.post(CONFIRM, {"action": "apply", "fingerprint": preview.context["fingerprint"]})
    assert again.status_code == 302
    messages = [str(m).strip() for m in again.wsgi_request._messages]
    assert messages[-1] == "That upload has expired or was already applied; upload it again."


@pytest.mark.django_db
def test_refused_upload_lists_each_problem_with_its_line(client, administrator, department):
    client.force_login(administrator)
    before = written()

    response = upload(client, roster(person("E1"), {**person("E2"), "email": "x"}, person("E1")))

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//*[@id='roster-problems']/*[not(self::ul)]") == [
        "The roster was refused: nothing was written",
        "Correct 2 problems and upload the file again.",
    ]
    assert texts(html, "//*[@id='roster-problems']//li") == [
        "Line 3, email: 'x' is not an email address.",
        "Line 4, employee_number: employee number E1 is already on line 2.",
    ]
    assert written() == before
    assert "roster_upload" not in client.session


@pytest.mark.django_db
def test_upload_without_a_file_is_a_form_error(client, administrator):
    client.force_login(administrator)

    response = client.post(URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}


@pytest.mark.django_db
def test_a_change_made_after_the_preview_is_shown_again_not_applied(
    client, administrator, department
):
    client.force_login(administrator)
    preview = upload(client, roster(person("E1"), person("E2")))
    roster_import(content=roster(person("E1")), file_name="other.csv")
    before = written()

    response = client.post(
        CONFIRM, {"action": "apply", "fingerprint": preview.context["fingerprint"]}
    )

    assert response.status_code == 200
    assert response.context["changed_since"] is True
    html = response.content.decode()
    assert texts(html, "//main//div[@role='alert']") == [
        "The organisation changed since you checked this roster, so nothing was written. "
        "Check the change as it is now."
    ]
    assert texts(html, "//main//h2[.='staff.csv']/following-sibling::ul[1]/li") == [
        "staff.csv: 2 people.",
        "People: 1 new, 0 moved, 0 leaving, 0 updated, 1 unchanged.",
        "Departments: 0 added, 0 changed. Job roles: 0 added, 0 changed.",
    ]
    assert written() == before


@pytest.mark.django_db
def test_cancel_forgets_the_upload(client, administrator, department):
    client.force_login(administrator)
    preview = upload(client, roster(person("E1")))
    before = written()

    client.post(CONFIRM, {"action": "cancel"})
    response = client.post(
        CONFIRM, {"action": "apply", "fingerprint": preview.context["fingerprint"]}
    )

    assert response.status_code == 302
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("learner", 403), ("department_lead", 403), ("cto_office", 403), ("training_lead", 302)],
)
def test_only_administrators_reach_the_roster_screens(client, people, persona, status, department):
    # Roles without the CMS are refused at its door; a training lead, inside, is sent back.
    client.force_login(people[persona])
    before = written()

    responses = [client.get(URL), upload(client, roster(person("E1"))), client.post(CONFIRM, {})]

    assert [r.status_code for r in responses] == [status] * 3
    assert written() == before
