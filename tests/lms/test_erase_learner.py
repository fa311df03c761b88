"""Erasing a person's learning records identity, from the CMS and from the command line: one
service, audited, refused clearly on bad input, and gone from the reports afterwards."""

import html
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.audit import audit_entries
from analytics.models import Evidence, Proficiency
from analytics.reports import store_frames
from competencies.models import Competency
from competencies.services import manager_validation_record, self_assessment_save
from lms.erasure import ERASURE_EFFECTS
from tests.factories import make_person
from xapi.models import LearnerIdentity
from xapi.models import Statement as StoredStatement

START = "/cms/learning-records/erase/"


def confirm_url(user) -> str:
    return f"/cms/learning-records/erase/{user.pk}/"


def store_some_evidence(learner, department_lead):
    """The learner's evidence first, then the lead's, so the newest evidence is not the
    learner's: erasing the learner leaves the reports' version token as it was."""
    da1, sp1 = Competency.objects.get(code="DA.1"), Competency.objects.get(code="SP.1")
    self_assessment_save(user=learner, answers={da1: 1, sp1: 3})
    manager_validation_record(manager=department_lead, learner=learner, competency=sp1, level=2)
    self_assessment_save(user=department_lead, answers={da1: None, sp1: 2})


def erasures() -> list[tuple]:
    entries = audit_entries().filter(action="lms.learner.erase").order_by("pk")
    return [
        (entry.object_id, entry.user, entry.data["via"], entry.data["before"], entry.data["after"])
        for entry in entries
    ]


def reported_people() -> set[int]:
    """Whose levels the cached inputs of the skill-gap reports hold."""
    return set(store_frames.report_inputs()["proficiency"]["person"])


BEFORE = {"learning_records_identity": True, "evidence": 3, "levels": 2}
AFTER = {"learning_records_identity": False, "evidence": 0, "levels": 0}


# -- the CMS -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_administrator_finds_the_person_reads_what_happens_and_erases_with_an_audit_record(
    client, administrator, learner, department_lead, framework
):
    store_some_evidence(learner, department_lead)
    identity = LearnerIdentity.objects.get(user=learner)
    lead_identity = LearnerIdentity.objects.get(user=department_lead)
    statements = StoredStatement.objects.count()
    assert reported_people() == {identity.pk, lead_identity.pk}
    client.force_login(administrator)

    found = client.post(START, {"email": learner.email.upper()})
    assert (found.status_code, found.url) == (302, confirm_url(learner))
    page = client.get(confirm_url(learner))
    assert page.status_code == 200
    assert [str(effect) for effect in page.context["effects"]] == list(ERASURE_EFFECTS)
    shown = html.unescape(page.content.decode())
    assert [effect for effect in ERASURE_EFFECTS if effect not in shown] == []

    erased = client.post(confirm_url(learner))

    assert (erased.status_code, erased.url) == (302, reverse("erase_learner"))
    assert not LearnerIdentity.objects.filter(user=learner).exists()
    assert not Evidence.objects.filter(learner_id=identity.pk).exists()
    assert not Proficiency.objects.filter(learner_id=identity.pk).exists()
    assert StoredStatement.objects.count() == statements
    assert erasures() == [(str(learner.pk), administrator, "Content management", BEFORE, AFTER)]
    # The reports were recomputed: the person's levels are gone from what they are built on.
    assert reported_people() == {lead_identity.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["learner", "training_lead", "department_lead", "cto_office"])
def test_nobody_but_an_administrator_may_erase(client, people, persona, framework):
    store_some_evidence(people["learner"], people["department_lead"])
    client.force_login(people[persona])

    assert client.get(START).status_code == 403
    assert client.post(START, {"email": people["learner"].email}).status_code == 403
    assert client.get(confirm_url(people["learner"])).status_code == 403
    assert client.post(confirm_url(people["learner"])).status_code == 403
    # Not even whether an account exists is given away.
    assert client.post("/cms/learning-records/erase/999999/").status_code == 403
    assert LearnerIdentity.objects.filter(user=people["learner"]).exists()
    assert erasures() == []


@pytest.mark.django_db
def test_an_unknown_address_or_a_person_without_records_is_refused_and_nothing_is_erased(
    client, administrator, learner, department_lead, framework
):
    store_some_evidence(learner, department_lead)
    never_learned = make_person(email="new.starter@example.gov.uk")
    client.force_login(administrator)

    unknown = client.post(START, {"email": "nobody@example.gov.uk"})
    empty = client.post(START, {"email": "  "})
    without = client.post(START, {"email": never_learned.email})

    assert unknown.status_code == empty.status_code == without.status_code == 400
    assert unknown.context["form"].errors == {
        "email": ["There is no account with the email address nobody@example.gov.uk."]
    }
    assert empty.context["form"].errors == {"email": ["This field is required."]}
    assert without.context["form"].errors == {
        "email": [
            "new.starter@example.gov.uk has no learning records identity: there is nothing "
            "to erase."
        ]
    }
    assert client.get(confirm_url(never_learned)).status_code == 409
    assert client.post(confirm_url(never_learned)).status_code == 409
    assert client.get("/cms/learning-records/erase/999999/").status_code == 404
    assert client.post("/cms/learning-records/erase/999999/").status_code == 404
    assert Evidence.objects.count() == 5
    assert erasures() == []


@pytest.mark.django_db
def test_a_second_erasure_of_the_same_person_is_refused(
    client, administrator, learner, department_lead, framework
):
    store_some_evidence(learner, department_lead)
    client.force_login(administrator)
    assert client.post(confirm_url(learner)).status_code == 302

    again = client.post(confirm_url(learner))

    assert again.status_code == 409
    assert len(erasures()) == 1


@pytest.mark.django_db
def test_administrators_reach_erasure_from_the_settings_menu_and_the_people_list(
    client, administrator, learner, training_lead
):
    client.force_login(administrator)
    assert START in client.get("/cms/").content.decode()
    assert confirm_url(learner) in client.get("/cms/users/").content.decode()

    client.force_login(training_lead)
    assert START not in client.get("/cms/").content.decode()


# -- the command line ----------------------------------------------------------------------


def erase(*args, answer: str | None = None, monkeypatch=None) -> str:
    if monkeypatch is not None:
        monkeypatch.setattr("builtins.input", lambda prompt: answer)
    out = io.StringIO()
    call_command("erase_learner", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_erases_with_yes_says_what_it_did_and_is_audited(
    learner, department_lead, framework
):
    store_some_evidence(learner, department_lead)
    lead_identity = LearnerIdentity.objects.get(user=department_lead)
    assert len(reported_people()) == 2

    output = erase("--email", learner.email, "--yes")

    assert output == (
        f"Erased the learning records identity of {learner.email}: deleted 3 evidence rows and "
        "2 levels; their statements stay, no longer linked to them; the reports were "
        "recomputed.\n"
    )
    assert not LearnerIdentity.objects.filter(user=learner).exists()
    assert erasures() == [(str(learner.pk), None, "Command line", BEFORE, AFTER)]
    assert reported_people() == {lead_identity.pk}


@pytest.mark.django_db
def test_the_command_asks_first_and_erases_only_on_yes(
    learner, department_lead, framework, monkeypatch
):
    store_some_evidence(learner, department_lead)

    with pytest.raises(CommandError, match=r"^Nothing was erased\.$"):
        erase("--email", learner.email, answer="no", monkeypatch=monkeypatch)
    assert LearnerIdentity.objects.filter(user=learner).exists()
    assert erasures() == []

    output = erase("--email", learner.email, answer="yes", monkeypatch=monkeypatch)

    assert output.splitlines() == [
        f"Erasing the learning records identity of {learner.email}:",
        *[f"- {effect}" for effect in ERASURE_EFFECTS],
        f"Erased the learning records identity of {learner.email}: deleted 3 evidence rows "
        "and 2 levels; their statements stay, no longer linked to them; the reports were "
        "recomputed.",
    ]
    assert not LearnerIdentity.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_person_or_one_without_records(db):
    person = make_person(email="new.starter@example.gov.uk")

    with pytest.raises(CommandError) as unknown:
        erase("--email", "nobody@example.gov.uk", "--yes")
    with pytest.raises(CommandError) as without:
        erase("--email", person.email, "--yes")

    assert str(unknown.value) == "There is no account with the email address nobody@example.gov.uk."
    assert str(without.value) == (
        "new.starter@example.gov.uk has no learning records identity: there is nothing to erase."
    )
    assert erasures() == []


def test_the_command_needs_an_email_address():
    with pytest.raises(CommandError) as missing:
        erase("--yes")

    assert str(missing.value) == "Error: the following arguments are required: --email"
