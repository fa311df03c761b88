"""An AU's side of a launch, driven through the Django test client on the content origin."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from cmi5.models import AssignableUnit
from cmi5.services import au_launch

CONTENT_HOST = "localhost:8000"
LRS = "/package-content/cmi5/xapi"
V = "http://adlnet.gov/expapi/verbs/"
CMI5 = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
MOVEON = {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY_EXT = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
DEFINED_VERBS = {
    V + name for name in ("initialized", "completed", "passed", "failed", "terminated")
}


@dataclass
class Launch:
    client: object
    url: str
    params: dict
    auth: str = ""
    launch_data: dict | None = None

    @property
    def actor(self) -> dict:
        return json.loads(self.params["actor"])

    def fetch(self):
        return self.client.post(urlsplit(self.params["fetch"]).path, HTTP_HOST=CONTENT_HOST)

    def start(self, *, read_preferences: bool = True) -> None:
        """What an AU does first: the fetch, the launch data and the learner's preferences."""
        self.auth = "Basic " + self.fetch().json()["auth-token"]
        self.launch_data = self.state("LMS.LaunchData").json()
        if read_preferences:
            self.lrs(
                "get",
                "/agents/profile",
                profileId="cmi5LearnerPreferences",
                agent=self.params["actor"],
            )

    def lrs(self, method: str, path: str, body=None, content_type="application/json", **params):
        query = "&".join(f"{k}={_quote(v)}" for k, v in params.items())
        kwargs = {"HTTP_HOST": CONTENT_HOST, "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
        if self.auth:
            kwargs["HTTP_AUTHORIZATION"] = self.auth
        url = f"{LRS}{path}?{query}" if query else f"{LRS}{path}"
        if body is None:
            return getattr(self.client, method)(url, **kwargs)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(url, data=data, content_type=content_type, **kwargs)

    def state(self, state_id: str, method: str = "get", body=None, **overrides):
        params = {
            "stateId": state_id,
            "activityId": self.params["activityId"],
            "agent": self.params["actor"],
            "registration": self.params["registration"],
            **overrides,
        }
        return self.lrs(method, "/activities/state", body, **params)

    def statement(
        self, verb: str, *, result=None, moveon=False, defined=None, **context_extensions
    ) -> dict:
        """A statement on the launch's context template: "cmi5 defined" (with the cmi5
        category) for cmi5's own verbs unless `defined` says otherwise, else "cmi5 allowed"."""
        verb = verb if "://" in verb else V + verb
        if defined is None:
            defined = verb in DEFINED_VERBS
        context = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        context["registration"] = self.params["registration"]
        categories = ([CMI5] if defined else []) + ([MOVEON] if moveon else [])
        if categories:
            context["contextActivities"]["category"] = categories
        context["extensions"].update(context_extensions)
        statement = {
            "id": str(uuid.uuid4()),
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "actor": self.actor,
            "verb": {"id": verb},
            "object": {"id": self.params["activityId"]},
            "context": context,
        }
        if result is not None:
            statement["result"] = result
        return statement

    def send(self, statement: dict):
        return self.lrs("put", "/statements", statement, statementId=statement["id"])


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


def launch(client, user, au: AssignableUnit, **options) -> Launch:
    url = au_launch(user=user, au=au, return_url="http://127.0.0.1:8000/lesson/", **options)
    params = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    return Launch(client=client, url=url, params=params)
