"""Statements of every kind the projection reads, the streams of them the tests store, and the
store read back as sorted rows."""

import random
import uuid
from datetime import UTC, datetime, timedelta

from django.db.models import Max

from analytics.models import Evidence, Proficiency
from analytics.projection.reference import PROFICIENCY_COLUMNS
from xapi.models import LearnerIdentity, Statement
from xapi.services import lrs_client_upsert, statements_store
from xapi.vocab import (
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_PASSED,
    VERB_VOIDED,
    category_self_assessment,
    extension_level_claimed,
    extension_levels_claimed,
    site_iri,
    verb_validated,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def actor(identity: LearnerIdentity, name: str | None = None) -> dict:
    from django.conf import settings

    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": name or str(identity.account_name)},
    }


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def self_assessment(who, iri, level, minutes=0) -> dict:
    extensions = {} if level is None else {extension_level_claimed(): level}
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERB_ANSWERED},
        "object": {"id": iri},
        "result": {"extensions": extensions},
        "context": {"contextActivities": {"category": [{"id": category_self_assessment()}]}},
        "timestamp": at(minutes),
    }


def validation(who, iri, level, minutes=0) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": verb_validated()},
        "object": {"id": iri},
        "result": {"extensions": {extension_level_claimed(): level}},
        "timestamp": at(minutes),
    }


def check(who, iris, level, minutes=0, success=True) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERB_PASSED},
        "object": {"id": site_iri(f"xapi/activities/assessment/{uuid.uuid4()}")},
        "result": {"success": success, "extensions": {extension_level_claimed(): level}},
        "context": {"contextActivities": {"other": [{"id": iri} for iri in iris]}},
        "timestamp": at(minutes),
    }


def completion(who, levels: dict, minutes=0) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERB_COMPLETED},
        "object": {"id": site_iri(f"xapi/activities/course/{uuid.uuid4()}")},
        "result": {"completion": True, "extensions": {extension_levels_claimed(): levels}},
        "timestamp": at(minutes),
    }


def voiding(who, statement) -> dict:
    return {
        "actor": who,
        "verb": {"id": VERB_VOIDED},
        "object": {"objectType": "StatementRef", "id": statement["id"]},
    }


def _order(row: tuple) -> tuple:
    return tuple((value is not None, value if value is not None else 0) for value in row)


def evidence_rows() -> list[tuple]:
    return sorted(
        Evidence.objects.values_list(
            "learner_id", "competency_id", "level", "source", "occurred_at", "statement_id"
        ),
        key=_order,
    )


def proficiency_rows() -> list[tuple]:
    return sorted(
        Proficiency.objects.values_list(*PROFICIENCY_COLUMNS),
        key=_order,
    )


def client_trusted_with(name: str, trusted: list[str]):
    client, _ = lrs_client_upsert(
        name=name,
        key=name,
        secret="secret-of-" + name,
        scopes=["statements/write"],
        trusted_evidence=trusted,
    )
    return client


def store_stream(batches: list[list[dict]], storers: list[dict]) -> list[int]:
    """Each batch stored by the next storer in turn, so every rule of trust is exercised, and
    voidings come from every kind of sender. Half way, the client trusted with both kinds loses
    its trust: its later statements, and its voidings of its own earlier ones, are judged as an
    untrusted client's. Returns the last seq stored by each batch."""
    ends = []
    for n, batch in enumerate(batches):
        if n == len(batches) // 2:
            withdrawn = storers[4]["client"]
            withdrawn.trusted_evidence = []
            withdrawn.save()
        statements_store(statements=batch, **storers[n % len(storers)])
        ends.append(Statement.objects.aggregate(last=Max("seq"))["last"] or 0)
    return ends


def random_stream(identities, iris, seed: int) -> list[list[dict]]:
    """Batches of mixed statements, with times drawn from few instants so ties happen, some
    about nobody the platform knows, and voidings: of statements stored earlier (voided
    already or not), of a statement in the same batch, and ahead of the statement they void."""
    rng = random.Random(seed)
    stranger = {
        "objectType": "Agent",
        "account": {"homePage": "https://elsewhere.example", "name": "a"},
    }
    people = [actor(identity) for identity in identities] + [stranger]
    batches, stored, ahead = [], [], []
    for _ in range(12):
        batch, ahead = ahead, []  # statements whose voiding was stored before them
        for _ in range(rng.randint(1, 8)):
            who, iri, minutes = rng.choice(people), rng.choice(iris), rng.randint(0, 6) * 10
            level = rng.choice([0, 1, 2, 3, 4, None])
            kind = rng.randrange(5)
            made = None
            if kind == 0:
                made = self_assessment(who, iri, level, minutes)
            elif kind == 1 and level is not None:
                made = validation(who, iri, level, minutes)
            elif kind == 2 and level is not None:
                made = check(who, rng.sample(iris, rng.randint(1, 2)), level, minutes)
            elif kind == 3 and level is not None:
                made = completion(who, {iri: level}, minutes)
            elif stored:
                batch.append(voiding(who, rng.choice(stored)))
            fate = rng.randrange(8)
            if made and fate == 0:
                batch += [made, voiding(who, made)]
            elif made and fate == 1:
                batch.append(voiding(who, made))
                ahead.append(made)
            elif made:
                batch.append(made)
        stored += [s for s in batch if s["verb"]["id"] != VERB_VOIDED]
        batches.append(batch)
    return [*batches, ahead] if ahead else batches


def forget_client(storers: list[dict]) -> None:
    """Delete the client whose trust was withdrawn half way: its statements stay, and so must
    everything judged from them."""
    storers[4]["client"].delete()
