"""Loading report pages as signed-in users, and reading server times from gunicorn's access log."""

import http.client
import queue
import threading
import time
from pathlib import Path

from benchkit.xapi_load import ms, percentile


class Browser:
    """One signed-in user: a keep-alive connection carrying the session cookie."""

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, path: str) -> tuple[int, int, float]:
        for attempt in (1, 2):
            try:
                began = time.perf_counter()
                self.conn.request("GET", path, headers={"Cookie": self.cookie})
                response = self.conn.getresponse()
                body = response.read()
                return response.status, len(body), time.perf_counter() - began
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def load(port: int, cookie: str, path: str, users: int, total: int) -> list[tuple]:
    """`users` threads, each a signed-in user, share `total` GETs of path back to back."""
    todo: queue.Queue = queue.Queue()
    for n in range(total):
        todo.put(n)
    results: list[tuple] = []
    lock = threading.Lock()

    def user() -> None:
        browser = Browser(port, cookie)
        try:
            while True:
                try:
                    todo.get_nowait()
                except queue.Empty:
                    return
                outcome = browser.get(path)
                with lock:
                    results.append(outcome)
        finally:
            browser.close()

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class AccessLog:
    """gunicorn's access log, read from where the last phase stopped."""

    def __init__(self, path: Path):
        self.path, self.offset = path, 0

    def since_last(self) -> list[dict]:
        if not self.path.exists():
            return []
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read()
            self.offset += len(text)
        lines = []
        for line in text.decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 5 and parts[3].isdigit():
                lines.append(
                    {"path": parts[1], "status": int(parts[2]), "seconds": int(parts[3]) / 1e6}
                )
        return lines


def settle(log: AccessLog, expect: int, timeout: float = 10) -> list[dict]:
    """The access-log lines of the requests just made (gunicorn writes them as they end)."""
    lines: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(lines) < expect and time.monotonic() < deadline:
        lines += log.since_last()
        if len(lines) < expect:
            time.sleep(0.05)
    return lines


def summary(client: list[float], server: list[float]) -> dict:
    return {
        "requests": len(client),
        "server_ms": {
            "p50": ms(percentile(server, 0.5)),
            "p95": ms(percentile(server, 0.95)),
            "max": ms(max(server) if server else None),
        },
        "client_ms": {
            "p50": ms(percentile(client, 0.5)),
            "p95": ms(percentile(client, 0.95)),
            "max": ms(max(client) if client else None),
        },
    }
