"""Playing a package as the runtime would, through the content origin's player and commit."""

import json
from urllib.parse import urlsplit

from django.test import Client

from tests.scorm.conftest import CONTENT


def content_client() -> Client:
    return Client(HTTP_HOST=urlsplit(CONTENT).netloc)


def open_player(url: str):
    """GET the player at `url` (as sco_launch gave it); returns the response and the runtime
    settings the page hands its script."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == CONTENT
    response = content_client().get(f"{parts.path}?{parts.query}")
    settings = None
    html = response.content.decode()
    if response.status_code == 200 and 'id="scorm-settings"' in html:
        start = html.index('<script id="scorm-settings" type="application/json">')
        body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
        settings = json.loads(body)
    return response, settings


def post_commit(commit_url: str, payload, *, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return content_client().post(commit_url, body, content_type="text/plain;charset=UTF-8")


def cmi12(status="incomplete", raw="", session="00:00:10", exit_="", location="", suspend=""):
    return {
        "cmi": {
            "suspend_data": suspend,
            "launch_data": "",
            "core": {
                "lesson_location": location,
                "lesson_status": status,
                "exit": exit_,
                "session_time": session,
                "score": {"raw": raw, "min": "", "max": ""},
            },
            "interactions": {},
        }
    }


def cmi2004(completion="incomplete", success="unknown", scaled="", session="PT10S", exit_=""):
    return {
        "cmi": {
            "completion_status": completion,
            "success_status": success,
            "score": {"scaled": scaled, "raw": "", "min": "", "max": ""},
            "session_time": session,
            "exit": exit_,
            "location": "",
            "suspend_data": "",
            "interactions": {},
        }
    }
