"""The audit of roles and the security policy, and the CMS's audit trail that administrators
read and export."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts.audit import audit_entries
from accounts.audit_views import entry_action, entry_object, entry_when, entry_who
from accounts.models import SecurityPolicy, User
from accounts.roles import Role
from accounts.services import security_policy_update, user_roles_set
from tests.factories import make_person
from xapi.services import lrs_client_upsert

TRAIL = "/cms/audit-trail/"
LEARNER_ONLY = {"roles": ["Learner"], "is_superuser": False}
POLICY = {
    "require_mfa_for_administrators": True,
    "require_mfa_for_cto_office": False,
    "require_mfa_for_department_leads": False,
    "require_mfa_for_training_leads": False,
}


def trail(action: str) -> list[tuple]:
    entries = audit_entries().filter(action=action).order_by("pk")
    return [
        (entry.user, entry.data["via"], entry.data["before"], entry.data["after"])
        for entry in entries
    ]


def download(client, **params) -> list[list[str]]:
    response = client.get(TRAIL, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def expected_row(entry: ModelLogEntry) -> list[str]:
    data = entry.data
    return [
        entry_when(entry),
        entry_who(entry),
        entry_action(entry),
        entry_object(entry),
        json.dumps(data["before"], sort_keys=True),
        json.dumps(data["after"], sort_keys=True),
    ]


# -- what is recorded ----------------------------------------------------------------------


@pytest.mark.django_db
def test_roles_given_by_the_service_are_recorded_with_who_and_before_and_after(administrator):
    person = make_person()

    user_roles_set(
        user=person, roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], actor=administrator, via="HR"
    )
    user_roles_set(user=person, roles=[Role.DEPARTMENT_LEAD, Role.LEARNER], actor=administrator)

    assert [row for row in trail("lms.roles.change") if row[2] == LEARNER_ONLY] == [
        (
            administrator,
            "HR",
            LEARNER_ONLY,
            {"roles": ["Learner", "Department lead"], "is_superuser": False},
        )
    ]
    created = audit_entries().filter(action="lms.roles.change", object_id=str(person.pk))
    assert [(e.data["before"], e.data["after"]) for e in created.order_by("pk")] == [
        ({"roles": [], "is_superuser": False}, LEARNER_ONLY),
        (LEARNER_ONLY, {"roles": ["Learner", "Department lead"], "is_superuser": False}),
    ]


@pytest.mark.django_db
def test_roles_changed_in_the_cms_user_screen_are_recorded(client, administrator):
    person = make_person(email="wanjiru@example.org", first_name="Wanjiru", last_name="Kamau")
    groups = {group.name: group.pk for group in Group.objects.all()}
    client.force_login(administrator)

    response = client.post(
        f"/cms/users/edit/{person.pk}/",
        {
            "email": "wanjiru@example.org",
            "first_name": "Wanjiru",
            "last_name": "Kamau",
            "is_active": "on",
            "groups": [groups["Learner"], groups["CTO office"]],
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert trail("lms.roles.change")[-1] == (
        administrator,
        "CMS",
        LEARNER_ONLY,
        {"roles": ["Learner", "CTO office"], "is_superuser": False},
    )


@pytest.mark.django_db
def test_a_role_given_to_many_people_at_once_in_the_cms_is_recorded_for_each(client, administrator):
    people = [make_person(), make_person()]
    training_leads = Group.objects.get(name=Role.TRAINING_LEAD)
    client.force_login(administrator)
    before = len(trail("lms.roles.change"))

    response = client.post(
        "/cms/bulk/accounts/user/assign_role/?" + "&".join(f"id={p.pk}" for p in people),
        {"role": training_leads.pk},
    )

    assert response.status_code == 302
    after = {"roles": ["Learner", "Training lead"], "is_superuser": False}
    assert trail("lms.roles.change")[before:] == [
        (administrator, "CMS", LEARNER_ONLY, after),
        (administrator, "CMS", LEARNER_ONLY, after),
    ]


@pytest.mark.django_db
def test_the_security_policy_changed_by_the_service_and_in_the_cms_is_recorded(
    client, administrator
):
    security_policy_update(require_mfa_for_cto_office=True, via="seed")
    security_policy_update(require_mfa_for_cto_office=True)  # unchanged: nothing recorded
    client.force_login(administrator)

    response = client.post(
        f"/cms/settings/accounts/securitypolicy/{SecurityPolicy.load().pk}/",
        {"require_mfa_for_administrators": "on", "require_mfa_for_training_leads": "on"},
    )

    assert response.status_code == 302
    cto = {**POLICY, "require_mfa_for_cto_office": True}
    assert trail("lms.security_policy.change") == [
        (None, "seed", POLICY, cto),
        (
            administrator,
            "CMS",
            cto,
            {**POLICY, "require_mfa_for_training_leads": True},
        ),
    ]


# -- who may read the trail ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["learner", "training_lead", "department_lead", "cto_office"])
def test_only_administrators_may_read_the_trail(client, people, persona):
    client.force_login(people[persona])

    assert client.get(TRAIL).status_code == 403
    assert client.get(TRAIL, {"export": "csv"}).status_code == 403


@pytest.mark.django_db
def test_an_administrator_and_a_superuser_read_the_trail_from_the_reports_menu(
    client, administrator
):
    superuser = User.objects.create_superuser(email="root@example.org", password="x")
    for reader in (administrator, superuser):
        client.force_login(reader)
        response = client.get(TRAIL)
        assert response.status_code == 200
        assert f'"url": "{TRAIL}"' in client.get("/cms/").content.decode()


# -- what the trail shows --------------------------------------------------------------------


@pytest.mark.django_db
def test_each_change_appears_in_the_trail_and_its_csv_with_exact_before_and_after(
    client, administrator
):
    person = make_person(first_name="Wanjiru", last_name="Kamau")
    user_roles_set(user=person, roles=[Role.CTO_OFFICE], actor=administrator)
    security_policy_update(require_mfa_for_department_leads=True, actor=administrator)
    lrs_client_upsert(
        name="Appraisals",
        key="appraisals",
        secret="appraisal-secret",
        scopes=["statements/write"],
        trusted_evidence=["validation"],
        actor=administrator,
    )
    client.force_login(administrator)

    page = client.get(TRAIL).content.decode()
    rows = download(client)

    assert rows[0] == ["When", "Who", "Action", "Object", "Before", "After"]
    assert rows[1:] == [expected_row(entry) for entry in audit_entries()]
    newest = rows[1:4]
    assert [row[1:] for row in newest] == [
        [
            administrator.get_full_name(),
            "LRS client changed",
            "LRS client: Appraisals",
            "{}",
            '{"is_active": true, "key": "appraisals", "name": "Appraisals", "scopes": '
            '["statements/write"], "secret_changed": true, "trusted_evidence": ["validation"]}',
        ],
        [
            administrator.get_full_name(),
            "Security policy changed",
            f"security policy: {SecurityPolicy.load()}",
            json.dumps(POLICY, sort_keys=True),
            json.dumps({**POLICY, "require_mfa_for_department_leads": True}, sort_keys=True),
        ],
        [
            administrator.get_full_name(),
            "Roles changed",
            f"user: {person}",
            json.dumps(LEARNER_ONLY, sort_keys=True),
            '{"is_superuser": false, "roles": ["CTO office"]}',
        ],
    ]
    assert "Security policy changed" in page
    assert "&quot;require_mfa_for_department_leads&quot;: true" in page


@pytest.mark.django_db
def test_the_trail_filters_by_action_and_date(client, administrator):
    person = make_person()
    user_roles_set(user=person, roles=[Role.CTO_OFFICE], actor=administrator)
    security_policy_update(require_mfa_for_department_leads=True, actor=administrator)
    old = audit_entries().filter(action="lms.security_policy.change").get()
    old.timestamp = timezone.now() - timedelta(days=40)
    old.save()
    client.force_login(administrator)
    today = timezone.localdate().isoformat()

    policy_rows = download(client, action="lms.security_policy.change")
    recent_rows = download(client, timestamp_from=today)
    page = client.get(TRAIL, {"action": "lms.security_policy.change"})

    assert policy_rows[1:] == [expected_row(old)]
    assert [row[2] for row in recent_rows[1:]] == ["Roles changed"] * (len(recent_rows) - 1)
    assert page.status_code == 200
    assert list(page.context["object_list"]) == [old]


@pytest.mark.django_db
def test_a_name_that_would_run_as_a_formula_is_exported_as_text(client, administrator):
    person = make_person(first_name="=HYPERLINK(1)", last_name="")
    security_policy_update(require_mfa_for_department_leads=True, actor=person)
    client.force_login(administrator)

    rows = download(client, action="lms.security_policy.change")

    assert rows[1][1] == "'=HYPERLINK(1)"


@pytest.mark.django_db
@pytest.mark.parametrize("entries", [5, 50])
def test_the_trail_and_its_export_cost_the_same_queries_for_more_entries(
    client, administrator, django_assert_max_num_queries, entries
):
    people = [make_person() for _ in range(entries)]
    for person in people:
        user_roles_set(user=person, roles=[Role.TRAINING_LEAD], actor=administrator)
    client.force_login(administrator)

    # The CMS's own reads (session, person, permissions, menu) and two for the trail: its count
    # and its page of entries with their people and types, joined in.
    with django_assert_max_num_queries(18):
        assert client.get(TRAIL).status_code == 200
    with django_assert_max_num_queries(18):
        assert len(download(client)) > entries
