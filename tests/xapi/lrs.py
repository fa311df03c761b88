"""Talking to the LRS under test, in-process or over real HTTP, and statements to send it."""

import base64
import copy
import json as _json
import uuid
from urllib.parse import urlencode

import requests
from django.http.response import ResponseHeaders
from django.test import Client

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
    """An HTTP session with the LRS over the wire: Basic auth and the version header set on
    every request. Keep it for what only a real server shows (framing, streaming, clients that
    open their own connections); everything else goes through InProcessLrs."""

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


class Answer:
    """What InProcessLrs returns: the parts of a `requests` response the tests read."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = ResponseHeaders(dict(response.headers))
        if response.streaming:
            self.content = b"".join(response.streaming_content)
        else:
            self.content = response.content
        # The test client has already closed the response; closing it again would send
        # request_finished, whose handler closes a connection that is inside a transaction.

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self):
        return _json.loads(self.content)


class InProcessLrs(Lrs):
    """The same interface as Lrs, through Django's test client: every request runs in the test's
    own transaction, which is rolled back afterwards instead of flushing the database. A view
    that raises is raised in the test rather than answered with a 500."""

    def __init__(self, key: str, secret: str, version: str = "1.0.3", base_path: str = "/xapi"):
        self.base_url = base_path.rstrip("/")
        self.client = Client()
        self.authorization = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.version = version

    def request(
        self, method, path, *, headers=None, version=True, params=None, json=None, data=None
    ):
        all_headers = {"Authorization": self.authorization}
        if version:
            all_headers["X-Experience-API-Version"] = self.version
        all_headers.update(headers or {})
        url = f"{self.base_url}/{path.lstrip('/')}"
        if params:
            pairs = {k: v for k, v in params.items() if v is not None}
            url += ("&" if "?" in url else "?") + urlencode(pairs, doseq=True)
        body = b""
        if json is not None:
            body = _json.dumps(json).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif isinstance(data, dict):
            body = urlencode(data, doseq=True).encode()
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif data is not None:
            body = data.encode() if isinstance(data, str) else data
        content_type = next(
            (v for k, v in all_headers.items() if k.lower() == "content-type"), None
        )
        response = self.client.generic(
            method.upper(),
            url,
            data=body,
            content_type=content_type or "",
            headers=all_headers,
        )
        return Answer(response)
