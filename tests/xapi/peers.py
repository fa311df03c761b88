"""Other LRSs for the forwarding tests: a real Ralph, and small local servers that misbehave."""

import base64
import http.client
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.peers import ralph_peer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def refused_url() -> str:
    """An address where nothing listens: connecting is refused at once."""
    return f"http://127.0.0.1:{free_port()}/xAPI/"


@dataclass
class RalphPeer:
    """openfun's Ralph on its filesystem backend, in its own process."""

    port: int
    data_dir: Path
    key: str
    secret: str
    pid: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> "RalphPeer":
        self.pid = ralph_peer.start(self.port, self.data_dir, self.key, self.secret)
        return self

    def stop(self) -> None:
        if self.pid:
            ralph_peer.stop(self.pid)
            self.pid = 0

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        # Plain http.client, not the transport under test, to see what Ralph really holds.
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, f"/xAPI/{path}", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def statements_with_id(self, statement_id: str) -> list[dict]:
        """Every copy Ralph holds of one statement id. Ralph answers a statementId query with a
        StatementResult listing every match, so a duplicate would show as two."""
        status, body = self._request("GET", f"statements?statementId={statement_id}")
        assert status == 200, body
        found = json.loads(body)
        return found.get("statements", [found])

    def post(self, statements: list[dict]) -> None:
        status, body = self._request("POST", "statements", json.dumps(statements).encode())
        assert status in (200, 204), body

    def clear(self) -> None:
        """Forget every statement. Ralph's API deletes nothing, but its filesystem backend opens
        its one file afresh on every read and append, so emptying the file empties the LRS."""
        for store in self.data_dir.glob("*.jsonl"):
            store.write_bytes(b"")


def start_ralph(data_dir: Path) -> RalphPeer:
    return RalphPeer(port=free_port(), data_dir=data_dir, key="ralph-key", secret="ralph-secret-1")


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes]


@dataclass
class ScriptedLrs:
    """A tiny HTTP server on a thread that answers every request with `answer(request)` and
    keeps what it received."""

    answer: Callable[[Received], Answer]
    received: list[Received] = field(default_factory=list)
    connections: int = 0

    def __enter__(self) -> "ScriptedLrs":
        peer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse can be observed

            def setup(self):
                super().setup()
                peer.connections += 1

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                got = Received(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                peer.received.append(got)
                status, headers, body = peer.answer(got)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/xAPI/"


class SilentLrs:
    """Accepts connections and reads requests, and never answers. `received` is set once a
    request has arrived, so a test knows the sender is now waiting on it."""

    def __enter__(self) -> "SilentLrs":
        self.received = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)  # so the accept loop notices when the test is done
        self._open: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._open.append(conn)
            conn.settimeout(5)
            try:
                if conn.recv(65536):
                    self.received.set()
            except OSError:
                pass

    def __exit__(self, *exc_info) -> None:
        self._stopping.set()
        self._listener.close()
        for conn in self._open:
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/xAPI/"
