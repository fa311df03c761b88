"""Start the test SAML identity provider (tests/peers/saml_idp.py) as a process on 127.0.0.1.

Its key pairs are made here, fresh for each start. pysaml2 signs through Debian's `xmlsec1`
binary (`apt-get install xmlsec1`), which `make test` and CI install.
"""

import datetime
import json
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def key_pair(common_name: str) -> tuple[bytes, bytes]:
    """A 2048-bit RSA key and a self-signed certificate for it, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class SamlIdp:
    """A running test IdP: where it is, the certificate it signs with, and its directory."""

    port: int
    state_dir: Path
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def entity_id(self) -> str:
        return self.metadata_url

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso"

    @property
    def certificate(self) -> str:
        return (self.state_dir / "idp.crt").read_text()

    def _post(self, path: str, **body) -> dict | list:
        response = requests.post(f"{self.base_url}{path}", timeout=10, **body)
        response.raise_for_status()
        return response.json()

    def service_provider_register(self, metadata: str) -> None:
        """What the IdP's administrator does once: trust our service from its metadata."""
        self._post(
            "/directory/service-providers",
            data=metadata.encode(),
            headers={"Content-Type": "application/samlmetadata+xml"},
        )

    def person_update(self, username: str, **attributes: str) -> dict:
        """What the directory's administrator does: change a person's attributes."""
        return self._post(f"/directory/people/{username}", json=attributes)

    def signing_set(self, mode: str, **details: str) -> dict:
        return self._post("/directory/signing", json={"mode": mode, **details})

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)  # reaped, so no zombie outlives the tests
            self.process = None


def start(state_dir: Path, people: dict[str, dict], timeout: float = 30) -> SamlIdp:
    """Serve the IdP for `people` (username -> password, code, name_id, attributes)."""
    if shutil.which("xmlsec1") is None:
        raise RuntimeError("The test SAML IdP signs with xmlsec1: apt-get install xmlsec1")
    state_dir.mkdir(parents=True, exist_ok=True)
    for name in ("idp", "rogue"):
        key_pem, cert_pem = key_pair(f"{name}.saml.test")
        (state_dir / f"{name}.key").write_bytes(key_pem)
        (state_dir / f"{name}.crt").write_bytes(cert_pem)
    (state_dir / "directory.json").write_text(json.dumps(people))
    idp = SamlIdp(port=free_port(), state_dir=state_dir)
    with open(state_dir / "idp.log", "ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "saml_idp.py"),
                "--port",
                str(idp.port),
                "--state-dir",
                str(state_dir),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    idp.process = process
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(idp.metadata_url, timeout=1).ok:
                return idp
        # Not listening yet, or too slow to answer on a busy machine: ask again until the deadline.
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    idp.stop()
    raise RuntimeError(f"The test SAML IdP did not start; see {state_dir / 'idp.log'}")
