"""A real HTTP hop between the service and the OpenID provider that can re-sign the provider's
ID tokens with a key of its own: what someone answering for the token endpoint would send."""

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

from tests.peers.oidc_peer import private_key_pem

FORWARDED_HEADERS = ("Authorization", "Content-Type", "Accept")


class ForgingProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream
        self.forge = True
        self.attacker_key = private_key_pem()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _rewrite(self, path: str, body: bytes) -> bytes:
        data = json.loads(body)
        if path.startswith("/.well-known/openid-configuration"):
            # The service exchanges its code here, not at the provider.
            data["token_endpoint"] = self.url + data["token_endpoint"].removeprefix(self.upstream)
        elif "id_token" in data and self.forge:
            claims = jwt.decode(data["id_token"], options={"verify_signature": False})
            header = jwt.get_unverified_header(data["id_token"])
            data["id_token"] = jwt.encode(
                claims, self.attacker_key, algorithm="RS256", headers={"kid": header["kid"]}
            )
        return json.dumps(data).encode()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet: the test output is the record
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = urllib.request.Request(  # noqa: S310 (loopback only)
                    proxy.upstream + self.path,
                    data=self.rfile.read(length) if length else None,
                    method=self.command,
                    headers={h: self.headers[h] for h in FORWARDED_HEADERS if self.headers[h]},
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                        status, body = answer.status, answer.read()
                        content_type = answer.headers.get("Content-Type", "")
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read()
                    content_type = error.headers.get("Content-Type", "")
                if status == 200 and content_type.startswith("application/json"):
                    body = proxy._rewrite(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = _forward
            do_POST = _forward

        return Handler
