"""Talking to the LRS under test over real HTTP, and statements to send it."""

import copy
import uuid

import requests

BASE = {
    "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
    "verb": {
        "id": "http://adlnet.gov/expapi/verbs/experienced",
        "display": {"en-GB": "experienced"},
    },
    "object": {
        "objectType": "Activity",
        "id": "https://learning.example.gov/xapi/activities/lesson/1",
        "definition": {"name": {"en-GB": "Lesson one", "en-US": "Lesson one (US)"}},
    },
}


def statement(**changes) -> dict:
    """A valid statement with a fresh id; keyword arguments replace top-level properties."""
    data = copy.deepcopy(BASE)
    data["id"] = str(uuid.uuid4())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


class Lrs:
    """An HTTP session with the LRS: Basic auth and the version header set on every request."""

    def __init__(self, base_url: str, key: str, secret: str, version: str = "1.0.3"):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = (key, secret)
        self.version = version

    def request(self, method: str, path: str, *, headers=None, version=True, **kwargs):
        all_headers = {"X-Experience-API-Version": self.version} if version else {}
        all_headers.update(headers or {})
        return self.session.request(
            method, f"{self.base_url}/{path.lstrip('/')}", headers=all_headers, timeout=30, **kwargs
        )

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def post_statements(self, statements, **kwargs):
        return self.post("statements", json=statements, **kwargs)

    def statement_ids(self, **params) -> list[str]:
        response = self.get("statements", params=params)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["statements"]]
