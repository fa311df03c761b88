"""Trusting an LRS client with evidence that claims authority, and the audit of every change
to a client: in the CMS and through create_lrs_client."""

import pytest
from django.core.management import CommandError, call_command

from accounts.audit import audit_entries
from xapi.models import LrsClient
from xapi.services import lrs_client_upsert

CLIENTS = "/cms/snippets/xapi/lrsclient/"


def trail() -> list[tuple]:
    """The LRS client entries of the audit trail, oldest first: (who, via, before, after)."""
    entries = audit_entries().filter(action="lms.lrs_client.change").order_by("pk")
    return [
        (entry.user, entry.data["via"], entry.data["before"], entry.data["after"])
        for entry in entries
    ]


def snapshot(**changes) -> dict:
    base = {
        "name": "Appraisals",
        "key": "appraisals",
        "scopes": ["statements/write"],
        "trusted_evidence": [],
        "is_active": True,
    }
    return {**base, **changes}


@pytest.mark.django_db
def test_an_administrator_trusts_a_new_client_with_validations_and_it_is_audited(
    client, administrator
):
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}add/",
        {
            "name": "Appraisals",
            "key": "appraisals",
            "secret": "appraisal-secret",
            "scopes": ["statements/write"],
            "trusted_evidence": ["validation"],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert LrsClient.objects.get(key="appraisals").trusted_evidence == ["validation"]
    assert trail() == [
        (
            administrator,
            "CMS",
            {},
            {**snapshot(trusted_evidence=["validation"]), "secret_changed": True},
        )
    ]
    listing = client.get(CLIENTS).content.decode()
    assert "Manager validations" in listing


@pytest.mark.django_db
def test_changing_trust_scopes_and_revoking_in_the_cms_are_audited_without_secrets(
    client, administrator
):
    lrs_client, _ = lrs_client_upsert(
        name="Appraisals", key="appraisals", secret="first-secret", scopes=["statements/write"]
    )
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}edit/{lrs_client.pk}/",
        {
            "name": "Appraisals",
            "key": "appraisals",
            "secret": "second-secret",
            "scopes": ["statements/write", "statements/read/mine"],
            "trusted_evidence": ["assessment", "validation"],
        },
    )

    assert response.status_code == 302
    after = snapshot(
        scopes=["statements/write", "statements/read/mine"],
        trusted_evidence=["assessment", "validation"],
        is_active=False,
    )
    assert trail()[1:] == [(administrator, "CMS", snapshot(), {**after, "secret_changed": True})]
    entry = audit_entries().first()
    assert "second-secret" not in str(entry.data)
    assert LrsClient.objects.get().secret_hash not in str(entry.data)


@pytest.mark.django_db
def test_saving_a_client_unchanged_records_nothing(client, administrator):
    lrs_client, _ = lrs_client_upsert(
        name="Appraisals", key="appraisals", secret="first-secret", scopes=["statements/write"]
    )
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}edit/{lrs_client.pk}/",
        {
            "name": "Appraisals",
            "key": "appraisals",
            "secret": "",
            "scopes": ["statements/write"],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert len(trail()) == 1  # its creation only


@pytest.mark.django_db
def test_an_unknown_kind_of_trust_is_refused_by_the_form(client, administrator):
    client.force_login(administrator)

    response = client.post(
        f"{CLIENTS}add/",
        {
            "name": "Appraisals",
            "key": "appraisals",
            "secret": "appraisal-secret",
            "scopes": ["statements/write"],
            "trusted_evidence": ["everything"],
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice. everything is not one of the available choices." in (
        response.content.decode()
    )
    assert not LrsClient.objects.exists()
    assert trail() == []


@pytest.mark.django_db
def test_deleting_a_client_in_the_cms_is_audited(client, administrator):
    lrs_client, _ = lrs_client_upsert(
        name="Appraisals", key="appraisals", secret="first-secret", scopes=["statements/write"]
    )
    client.force_login(administrator)

    response = client.post(f"{CLIENTS}delete/{lrs_client.pk}/")

    assert response.status_code == 302
    assert not LrsClient.objects.exists()
    assert trail()[1:] == [(administrator, "CMS", snapshot(), {})]


@pytest.mark.django_db
def test_the_command_sets_trust_and_its_changes_are_audited(capsys):
    call_command(
        "create_lrs_client",
        "Appraisals",
        "--key",
        "appraisals",
        "--secret",
        "first-secret",
        "--scopes",
        "statements/write",
        "--trust",
        "validation",
    )
    # Again, unchanged: nothing to record. Then without --trust: the trust is kept.
    call_command(
        "create_lrs_client", "Appraisals", "--key", "appraisals", "--secret", "first-secret",
        "--scopes", "statements/write", "--trust", "validation",
    )  # fmt: skip
    call_command(
        "create_lrs_client", "Appraisals", "--key", "appraisals", "--secret", "first-secret",
        "--scopes", "all",
    )  # fmt: skip
    call_command(
        "create_lrs_client", "Appraisals", "--key", "appraisals", "--secret", "first-secret",
        "--scopes", "all", "--trust",
    )  # fmt: skip

    trusted = snapshot(trusted_evidence=["validation"])
    via = "create_lrs_client command"
    assert trail() == [
        (None, via, {}, {**trusted, "secret_changed": True}),
        (None, via, trusted, {**trusted, "scopes": ["all"]}),
        (None, via, {**trusted, "scopes": ["all"]}, snapshot(scopes=["all"])),
    ]
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Updated LRS client 'Appraisals' (key appraisals, scopes all, trusted evidence none)."
    )


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_kind_of_trust():
    with pytest.raises(CommandError, match=r"Unknown kinds of trusted evidence: everything\."):
        call_command(
            "create_lrs_client", "Appraisals", "--key", "appraisals", "--secret",
            "first-secret", "--trust", "everything",
        )  # fmt: skip

    assert not LrsClient.objects.exists()
    assert trail() == []
