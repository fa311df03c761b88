"""Start allauth's own OpenID provider (tests/peers/oidc_idp) as a separate process on 127.0.0.1."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REPOSITORY = Path(__file__).resolve().parents[2]
CLIENT_ID = "learning-platform"
CLIENT_SECRET = "client-secret-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


class OidcProvider:
    """One running provider: its issuer URL, its people, and the claims it asserts for them."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir.resolve()
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.pid: int | None = None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "signing-key.pem"
        key_file.write_text(private_key_pem())
        self.env = {
            **os.environ,
            "IDP_DATA_DIR": str(self.data_dir),
            "IDP_PRIVATE_KEY_FILE": str(key_file),
            "DJANGO_SETTINGS_MODULE": "tests.peers.oidc_idp.settings",
            "PYTHONPATH": str(REPOSITORY),
        }
        self.env.pop("DATABASE_URL", None)

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "tests.peers.oidc_idp.manage", *arguments],
            cwd=REPOSITORY,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def setup(self, *, redirect_uris: list[str], people: list[tuple[str, str, str, str]]) -> None:
        """Its client (with these redirect URIs) and people (email, password, names)."""
        arguments = ["idp_setup", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
        for uri in redirect_uris:
            arguments += ["--redirect-uri", uri]
        for person in people:
            arguments += ["--person", ":".join(person)]
        self.manage(*arguments)

    def claims_set(self, claims: dict[str, dict]) -> None:
        """What the provider says about each person from now on (email -> extra claims)."""
        (self.data_dir / "claims.json").write_text(json.dumps(claims))

    def start(self, timeout: float = 60) -> None:
        self.manage("migrate", "--verbosity", "0")
        with open(self.data_dir / "idp.log", "ab") as log:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.peers.oidc_idp.manage",
                    "runserver",
                    f"127.0.0.1:{self.port}",
                    "--noreload",
                ],
                cwd=REPOSITORY,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a daemon: stopped by pid
            )
        self.pid = server.pid
        deadline = time.monotonic() + timeout
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(discovery, timeout=1):  # noqa: S310 (loopback)
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"The OpenID provider did not start; see {self.data_dir / 'idp.log'}")

    def stop(self) -> None:
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            self.pid = None
