"""Realistic LMS statements, a keep-alive xAPI client and latency arithmetic.

The statements have the shape the LMS itself records: an opaque account as
the actor, an ADL verb, an activity with a definition, a context with a registration and the
course (or assessment) as contextActivities parent, and a result with a score where the
event has one. Learners and courses are skewed, as real use is: a few learners and courses
account for much of the traffic, so some filter values match thousands of statements and
others a handful.
"""

import base64
import http.client
import json
import math
import random
import uuid
from dataclasses import dataclass, field

SITE = "https://learning.example.gov"
ADL = "http://adlnet.gov/expapi"
VERBS = {
    name: {"id": f"{ADL}/verbs/{name}", "display": {"en-GB": name}}
    for name in (
        "registered",
        "launched",
        "experienced",
        "answered",
        "passed",
        "failed",
        "completed",
        "progressed",
    )
}
VOIDED = {"id": f"{ADL}/verbs/voided", "display": {"en-GB": "voided"}}
# cmi5's "waived" is only used by the rare statements the query benchmark plants.
WAIVED = {"id": "https://w3id.org/xapi/adl/verbs/waived", "display": {"en-GB": "waived"}}
# How often each verb happens, and what kind of activity it is about.
VERB_WEIGHTS = {
    "experienced": 30,
    "answered": 25,
    "progressed": 10,
    "completed": 9,
    "launched": 10,
    "registered": 5,
    "passed": 7,
    "failed": 4,
}
VERB_OBJECT = {
    "registered": "course",
    "progressed": "course",
    "launched": "lesson",
    "experienced": "lesson",
    "completed": "lesson",
    "answered": "cmi.interaction",
    "passed": "assessment",
    "failed": "assessment",
}
PROGRESS_EXTENSION = f"{SITE}/xapi/extensions/result/progress"


def _stable_uuid(*parts) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, (SITE, *parts))))


@dataclass(eq=False)  # compared by identity: a course is found in the course list fast
class Activity:
    kind: str
    iri: str
    definition: dict
    course: "Activity | None" = None
    parent: "Activity | None" = None

    def as_object(self) -> dict:
        return {"objectType": "Activity", "id": self.iri, "definition": self.definition}

    def as_context(self) -> dict:
        return {"id": self.iri, "definition": self.definition}


def make_activity(kind: str, key: str, title: str, **extra) -> Activity:
    iri = f"{SITE}/xapi/activities/{kind.split('.')[-1]}/{_stable_uuid(kind, key)}"
    definition = {
        "name": {"en-GB": title},
        "description": {"en-GB": f"{title}, part of the Digital Capacity Academy."},
        "type": f"{ADL}/activities/{kind}",
        **extra,
    }
    return Activity(kind, iri, definition)


@dataclass
class World:
    """Learners, courses and their activities. The same seed always gives the same world."""

    learners: int = 20_000
    courses: int = 9
    activities: int = 50
    seed: int = 2026
    course_list: list[Activity] = field(default_factory=list)
    by_course: list[dict[str, list[Activity]]] = field(default_factory=list)

    def __post_init__(self):
        kinds = ("lesson", "lesson", "cmi.interaction", "lesson", "cmi.interaction", "assessment")
        for c in range(self.courses):
            course = make_activity("course", c, f"Course {c + 1}")
            self.course_list.append(course)
            self.by_course.append({"course": [course]})
        # The other activities go round the courses; each course gets at least one of each
        # kind an event needs (interactions belong to the course's assessment).
        for c in range(self.courses):
            for kind in ("lesson", "assessment", "cmi.interaction"):
                self._add(c, kind)
        for n in range(self.activities - 3 * self.courses):
            self._add(n % self.courses, kinds[n % len(kinds)])

    def _add(self, c: int, kind: str) -> None:
        n = sum(len(v) for k, v in self.by_course[c].items() if k != "course")
        extra = {}
        if kind == "cmi.interaction":
            extra = {
                "interactionType": "choice",
                "correctResponsesPattern": ["b"],
                "choices": [{"id": x, "description": {"en-GB": f"Option {x}"}} for x in "abcd"],
            }
        activity = make_activity(kind, f"{c}/{n}", f"Course {c + 1}, {kind} {n + 1}", **extra)
        activity.course = self.course_list[c]
        assessments = self.by_course[c].get("assessment")
        activity.parent = assessments[0] if kind == "cmi.interaction" and assessments else None
        self.by_course[c].setdefault(kind, []).append(activity)

    def all_activities(self) -> list[Activity]:
        return [a for course in self.by_course for group in course.values() for a in group]

    def learner(self, n: int) -> dict:
        return {
            "objectType": "Agent",
            "account": {"homePage": SITE, "name": str(_stable_uuid("learner", n))},
        }

    def registration(self, learner: int, course: int) -> str:
        return str(_stable_uuid("registration", learner, course))


class StatementMaker:
    """Draws statements from a world. Learner n is roughly n-th most active (a square-law
    skew: learner 0 makes about 0.7 % of all statements, the median learner about 1/40 000);
    course c is chosen with weight 1/(c+1)."""

    def __init__(self, world: World, seed: int):
        self.world = world
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        self.verbs = list(VERB_WEIGHTS)
        self.verb_cum = _cumulative(VERB_WEIGHTS.values())
        self.course_cum = _cumulative(1 / (c + 1) for c in range(world.courses))

    def learner_index(self) -> int:
        return int(self.world.learners * self.rng.random() ** 2)

    def statement(
        self,
        *,
        learner: int | None = None,
        verb: str | None = None,
        activity: Activity | None = None,
        with_id: bool = True,
    ) -> dict:
        rng, world = self.rng, self.world
        learner = self.learner_index() if learner is None else learner
        verb = verb or self.rng.choices(self.verbs, cum_weights=self.verb_cum)[0]
        if activity is None:
            c = rng.choices(range(world.courses), cum_weights=self.course_cum)[0]
            activity = rng.choice(world.by_course[c][VERB_OBJECT[verb]])
        course = activity.course or activity
        c = world.course_list.index(course) if course in world.course_list else 0
        statement = {
            "actor": world.learner(learner),
            "verb": WAIVED if verb == "waived" else VERBS[verb],
            "object": activity.as_object(),
            "context": {
                "registration": world.registration(learner, c),
                "platform": "Digital Capacity Academy",
                "language": "en-GB",
            },
            "timestamp": _timestamp(rng),
        }
        if with_id:
            statement["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        parents = [p for p in (activity.parent, activity.course) if p is not None]
        if parents:
            statement["context"]["contextActivities"] = {
                "parent": [parents[0].as_context()],
                "grouping": [p.as_context() for p in parents[1:]],
            }
            if not parents[1:]:
                del statement["context"]["contextActivities"]["grouping"]
        result = self._result(verb)
        if result:
            statement["result"] = result
        return statement

    def _result(self, verb: str) -> dict | None:
        rng = self.rng
        if verb == "answered":
            right = rng.random() < 0.7
            return {
                "response": "b" if right else rng.choice("acd"),
                "success": right,
                "score": {"raw": int(right), "min": 0, "max": 1, "scaled": float(right)},
            }
        if verb in ("passed", "failed"):
            raw = rng.randint(8, 10) if verb == "passed" else rng.randint(2, 7)
            return {
                "score": {"raw": raw, "min": 0, "max": 10, "scaled": raw / 10},
                "success": verb == "passed",
                "completion": True,
                "duration": f"PT{rng.randint(2, 40)}M{rng.randint(0, 59)}S",
            }
        if verb == "completed":
            return {"completion": True, "duration": f"PT{rng.randint(1, 30)}M"}
        if verb == "progressed":
            return {"extensions": {PROGRESS_EXTENSION: rng.randint(1, 99)}}
        return None

    def voiding(self, target_id: str) -> dict:
        """A voiding statement, as an administrator's correction would record it."""
        return {
            "id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "actor": {"objectType": "Agent", "account": {"homePage": SITE, "name": "lms"}},
            "verb": VOIDED,
            "object": {"objectType": "StatementRef", "id": target_id},
            "timestamp": _timestamp(self.rng),
        }


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _timestamp(rng: random.Random) -> str:
    # Some moment in the academic year 2025-26, always UTC with an offset (tincan quirk).
    day, second = rng.randrange(365), rng.randrange(86_400)
    month, mday = divmod(day, 28)
    return (
        f"2025-{month % 12 + 1:02d}-{mday + 1:02d}T{second // 3600:02d}:"
        f"{second // 60 % 60:02d}:{second % 60:02d}.{rng.randrange(1000):03d}Z"
    )


# -- HTTP ---------------------------------------------------------------------------------------


class XapiClient:
    """One keep-alive connection, as an xAPI client library keeps one."""

    def __init__(self, host: str, port: int, key: str, secret: str, version: str = "1.0.3"):
        self.host, self.port = host, port
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": version}
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def dumps(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
