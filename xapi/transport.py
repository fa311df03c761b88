"""tincan's RemoteLRS with the measured defects of tincan 1.0.0 mended, in this one place.

Measured against tincan 1.0.0 (see docs/decisions/0006-forwarding.md):
- `_send_request` opens a new connection per request and has no timeout: a silent LRS blocks
  the caller forever. Here every request has a deadline and the connection is kept alive.
- A naive `datetime` is serialised without an offset, and query times (`since`, `until`) are
  sent as `str(datetime)` (a space, not `T`): times here are aware UTC in xAPI's own format.
- Booleans in queries are sent as `True`/`False`; xAPI says `true`/`false`.
- `RemoteLRS` refuses version 2.0.0; the header is sent from `wire_version` instead.
- `HTTPRequest.content` decodes bytes as UTF-8, so binary attachment parts cannot pass through
  it; `BinaryHTTPRequest` keeps bytes as they are.
- `more_statements` prefixes every `more` link with the server root, which breaks LRSs that
  answer with an absolute URL.
- Its `Statement` model refuses xAPI 2.0 properties (`contextAgents`) and rewrites durations
  (`PT5S` becomes `PT05S`), so statements are sent as the JSON this LRS stored.
"""

import http.client
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from tincan import RemoteLRS
from tincan.http_request import HTTPRequest
from tincan.lrs_response import LRSResponse

from xapi.http.multipart import build_multipart

# The newest version tincan's RemoteLRS accepts; it only checks it, the header is ours.
TINCAN_VERSION = "1.0.3"
CHUNK = 64 * 1024


def xapi_time(moment: datetime) -> str:
    """An aware datetime in xAPI's timestamp form (UTC, `Z`); naive times are refused, because
    guessing their zone would silently shift every statement by the server's offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("xAPI times must be timezone-aware; use django.utils.timezone.now().")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BinaryHTTPRequest(HTTPRequest):
    """An HTTPRequest whose content may be bytes (multipart bodies with binary attachments)."""

    @property
    def content(self) -> str | bytes | None:
        return self._content

    @content.setter
    def content(self, value: str | bytes | None) -> None:
        self._content = value


class LrsTransport(RemoteLRS):
    """A RemoteLRS with a per-request deadline and one kept-alive connection.

    Use it as a context manager (or call `close`) so the connection is released.
    """

    # tincan objects refuse attributes not listed here (a new list: tincan's is shared).
    _props = [
        *RemoteLRS._props,
        *("wire_version", "timeout", "connection", "connection_origin", "last_response"),
    ]

    def __init__(
        self,
        *,
        endpoint: str,
        version: str = TINCAN_VERSION,
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
    ) -> None:
        credentials = {"username": username, "password": password} if username else {}
        super().__init__(endpoint=endpoint, version=TINCAN_VERSION, **credentials)
        self.wire_version = version
        self.timeout = float(timeout)
        self._connection: http.client.HTTPConnection | None = None
        self._connection_origin: tuple[str, str, int | None] | None = None
        self._last_response: LRSResponse | None = None

    def __enter__(self) -> "LrsTransport":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._connection_origin = None

    # -- the transport ---------------------------------------------------------------------

    def _send_request(self, request: HTTPRequest) -> LRSResponse:
        """Send one request and read the whole answer before the deadline, or raise
        TimeoutError (connection failures raise OSError or http.client.HTTPException)."""
        deadline = time.monotonic() + self.timeout
        url = self._url(request)
        headers = {"X-Experience-API-Version": self.wire_version}
        if self.auth is not None:
            headers["Authorization"] = self.auth
        headers.update(request.headers or {})
        body = request.content
        if isinstance(body, str):
            body = body.encode("utf-8")
        for attempt in (1, 2):
            connection, reused = self._connection_for(url, deadline)
            # Every blocking step is bounded by what is left of the deadline.
            sock = connection.sock
            try:
                _limit(sock, deadline)
                connection.request(request.method, _path(url), body=body, headers=headers)
                _limit(sock, deadline)
                response = connection.getresponse()
                data = _read_body(response, sock, deadline)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                # A kept-alive connection the server had already closed: try once on a fresh
                # one. Repeating a statement write is harmless, its ids make it idempotent.
                if reused and attempt == 1:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            if response.will_close:
                self.close()
            break
        success = 200 <= response.status < 300 or (
            response.status == 404 and bool(getattr(request, "ignore404", False))
        )
        self._last_response = LRSResponse(
            success=success, request=request, response=response, data=data
        )
        return self._last_response

    def _url(self, request: HTTPRequest) -> str:
        resource = request.resource
        url = resource if resource.startswith(("http://", "https://")) else self.endpoint + resource
        params = {key: _query_value(value) for key, value in (request.query_params or {}).items()}
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return url

    def _connection_for(self, url: str, deadline: float) -> tuple[http.client.HTTPConnection, bool]:
        parts = urlsplit(url)
        origin = (parts.scheme, parts.hostname or "", parts.port)
        if self._connection is not None and self._connection_origin == origin:
            return self._connection, True
        self.close()
        timeout = _remaining(deadline)
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout)
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        connection.connect()
        self._connection, self._connection_origin = connection, origin
        return connection, False

    # -- requests tincan gets wrong ----------------------------------------------------------

    def query_statements(self, query: Mapping[str, Any]) -> LRSResponse:
        return self._modelled(super().query_statements, query)

    def more_statements(self, more_url: str) -> LRSResponse:
        if isinstance(more_url, str) and more_url.startswith(("http://", "https://")):
            root = self.get_endpoint_server_root()
            if not more_url.startswith(f"{root}/"):
                # Never send this LRS's credentials to another host.
                raise ValueError(f"The more link {more_url} leaves the LRS at {root}.")
            more_url = more_url[len(root) :]
        return self._modelled(super().more_statements, more_url)

    def _modelled(self, call: Any, argument: Any) -> LRSResponse:
        """tincan models each page as tincan Statements after reading it, and raises on what its
        model lacks (xAPI 2.0's contextAgents): then the page is returned unmodelled, with
        `content` None and the statements as the LRS sent them in `data`."""
        self._last_response = None
        try:
            return call(argument)
        except (AttributeError, TypeError, ValueError):
            response = self._last_response
            if response is None or not response.success:
                raise
            response.content = None
            return response

    def save_statement_data(
        self,
        statements: Sequence[Mapping[str, Any]],
        attachments: Iterable[tuple[str, str, bytes]] = (),
    ) -> LRSResponse:
        """POST statements exactly as stored (JSON objects, not tincan Statements), with their
        attachment parts as multipart/mixed when there are any: (sha2, content type, content)."""
        payload = json.dumps(list(statements), separators=(",", ":")).encode("utf-8")
        request = BinaryHTTPRequest(method="POST", resource="statements", headers={})
        parts = list(attachments)
        if parts:
            boundary = f"xapi-forward-{time.monotonic_ns()}"
            request.headers["Content-Type"] = f"multipart/mixed; boundary={boundary}"
            request.content = build_multipart(payload, parts, boundary)
        else:
            request.headers["Content-Type"] = "application/json"
            request.content = payload
        return self._send_request(request)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return xapi_time(value)
    return str(value)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("The LRS did not answer before the deadline.")
    return left


def _limit(sock: Any, deadline: float) -> None:
    if sock is not None:
        sock.settimeout(_remaining(deadline))


def _read_body(response: http.client.HTTPResponse, sock: Any, deadline: float) -> bytes:
    # Read in chunks so that a peer dripping bytes cannot stretch one read past the deadline.
    chunks = []
    while True:
        _limit(sock, deadline)
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
