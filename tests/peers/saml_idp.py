"""A small SAML 2.0 identity provider built on pysaml2's Server, run as its own process.

    python tests/peers/saml_idp.py --port PORT --state-dir DIR

DIR holds idp.key/idp.crt (the signing pair its metadata publishes), rogue.key/rogue.crt (a pair
nobody trusts) and directory.json (people: password, one-time code, NameID, attributes). Routes:

- GET /metadata: the IdP's metadata, with its signing certificate.
- GET /sso: reads an HTTP-Redirect AuthnRequest and shows the sign-in form.
- POST /sso: checks the person's password (and one-time code, if given) and answers with a
  signed Response in a form that posts to the service provider's assertion consumer service.
- POST /directory/service-providers: registers a service provider from its metadata (the body),
  as an administrator of a real IdP does; an AuthnRequest from anyone else is refused.
- POST /directory/people/<username>: the directory's administrator changes a person's
  attributes (JSON object of attribute name to value).
- POST /directory/signing: how the next responses are signed (JSON {"mode": ...}): "valid",
  "wrong-key", "unsigned", "sha1", or "tampered" (signed, then "department" rewritten).
"""

import argparse
import base64
import html
import json
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml
from saml2.config import IdPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import create_metadata_string
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

PASSWORD_ONLY = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MULTI_FACTOR = "https://refeds.org/profile/mfa"
SIGNING_MODES = {"valid", "wrong-key", "unsigned", "sha1", "tampered"}


def idp_config(base_url: str, state_dir: Path, key_name: str) -> IdPConfig:
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base_url}/metadata",
            "name": "Test directory",
            "key_file": str(state_dir / f"{key_name}.key"),
            "cert_file": str(state_dir / f"{key_name}.crt"),
            "xmlsec_binary": shutil.which("xmlsec1"),
            "metadata": {},
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base_url}/sso", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [saml.NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": False,
                    "policy": {"default": {"lifetime": {"minutes": 5}}},
                }
            },
        }
    )
    return config


def page(title: str, body: str, status: str = "200 OK") -> tuple[str, str]:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} - Test directory</title></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )
    return status, document


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{html.escape(value)}">'


class IdentityProviderApp:
    """The WSGI application: one trusted Server, one rogue Server, the directory in memory."""

    def __init__(self, base_url: str, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.server = Server(config=idp_config(base_url, state_dir, "idp"))
        self.rogue = Server(config=idp_config(base_url, state_dir, "rogue"))
        self.people = json.loads((state_dir / "directory.json").read_text())
        self.signing = {"mode": "valid"}
        self.service_providers: dict[str, str] = {}

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        try:
            status, content_type, body = self.route(method, path, environ)
        except ValueError as error:
            status, content_type = "400 Bad Request", "text/html; charset=utf-8"
            body = page("Cannot sign you in", f"<p>{html.escape(str(error))}</p>")[1]
        start_response(status, [("Content-Type", content_type)])
        return [body.encode()]

    def route(self, method: str, path: str, environ) -> tuple[str, str, str]:
        html_type = "text/html; charset=utf-8"
        if method == "GET" and path == "/metadata":
            metadata = create_metadata_string(None, config=self.server.config, sign=False)
            return "200 OK", "application/samlmetadata+xml", metadata.decode()
        if method == "GET" and path == "/sso":
            return "200 OK", html_type, page("Sign in", self.sign_in_form(query(environ)))[1]
        if method == "POST" and path == "/sso":
            status, document = self.sign_in(form(environ))
            return status, html_type, document
        if method == "POST" and path == "/directory/service-providers":
            self.service_provider_register(body(environ).decode())
            return "200 OK", "application/json", json.dumps(sorted(self.service_providers))
        if method == "POST" and path.startswith("/directory/people/"):
            username = path.removeprefix("/directory/people/")
            if username not in self.people:
                return "404 Not Found", "text/plain", f"no person {username}"
            self.people[username]["attributes"].update(json_body(environ))
            return "200 OK", "application/json", json.dumps(self.people[username])
        if method == "POST" and path == "/directory/signing":
            signing = json_body(environ)
            if signing.get("mode") not in SIGNING_MODES:
                raise ValueError(f"signing mode must be one of {sorted(SIGNING_MODES)}")
            self.signing = signing
            return "200 OK", "application/json", json.dumps(signing)
        return "404 Not Found", "text/plain", "not found"

    def service_provider_register(self, metadata: str) -> None:
        """Trust one more service provider; registering an entity again replaces its metadata."""
        config = self.server.config
        probe = MetadataStore(config.attribute_converters, config)
        probe.load("inline", metadata)
        self.service_providers.update(dict.fromkeys(probe.keys(), metadata))
        store = MetadataStore(config.attribute_converters, config)
        for registered in dict.fromkeys(self.service_providers.values()):
            store.load("inline", registered)
        self.server.metadata = self.rogue.metadata = store

    def sign_in_form(self, params: dict[str, str], error: str = "") -> str:
        if not params.get("SAMLRequest"):
            raise ValueError("The sign-in request has no SAMLRequest.")
        # Parsed now so that a malformed request is refused before anyone types a password.
        self.server.parse_authn_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        return (
            f'{message}<form method="post" action="/sso">'
            + hidden("SAMLRequest", params["SAMLRequest"])
            + hidden("RelayState", params.get("RelayState", ""))
            + '<p><label for="username">Username</label><br>'
            '<input id="username" name="username" autocomplete="username"></p>'
            '<p><label for="password">Password</label><br>'
            '<input id="password" name="password" type="password"'
            ' autocomplete="current-password"></p>'
            '<p><label for="code">One-time code (if you have a security key)</label><br>'
            '<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"></p>'
            "<p><button>Sign in</button></p></form>"
        )

    def sign_in(self, params: dict[str, str]) -> tuple[str, str]:
        person = self.people.get(params.get("username", ""))
        if person is None or params.get("password") != person["password"]:
            return page(
                "Sign in",
                self.sign_in_form(params, "Wrong username or password."),
                "401 Unauthorized",
            )
        code = params.get("code", "").strip()
        if code and code != person["code"]:
            return page(
                "Sign in", self.sign_in_form(params, "Wrong one-time code."), "401 Unauthorized"
            )
        request = self.server.parse_authn_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT)
        audience = request.message.issuer.text
        if audience not in self.service_providers:
            raise ValueError(f"{audience} is not a service provider this directory knows.")
        # The response goes only to an assertion consumer service the registered metadata lists.
        destination = self.server.response_args(request.message, [BINDING_HTTP_POST])["destination"]
        response = self.response_xml(
            person,
            in_response_to=request.message.id,
            destination=destination,
            audience=audience,
            class_ref=MULTI_FACTOR if code else PASSWORD_ONLY,
        )
        encoded = base64.b64encode(response.encode()).decode()
        body = (
            "<p>You are signed in at the directory. Continue to the service.</p>"
            f'<form method="post" action="{html.escape(destination)}">'
            + hidden("SAMLResponse", encoded)
            + hidden("RelayState", params.get("RelayState", ""))
            + "<p><button>Continue</button></p></form>"
        )
        return page("Signed in", body)

    def response_xml(self, person, *, in_response_to, destination, audience, class_ref) -> str:
        mode = self.signing["mode"]
        signed = mode != "unsigned"
        sha1 = mode == "sha1"
        response = (self.rogue if mode == "wrong-key" else self.server).create_authn_response(
            identity=person["attributes"],
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience,
            name_id=saml.NameID(
                format=saml.NAMEID_FORMAT_PERSISTENT,
                sp_name_qualifier=audience,
                text=person["name_id"],
            ),
            authn={"class_ref": class_ref, "authn_auth": self.server.config.entityid},
            sign_response=signed,
            sign_assertion=signed,
            sign_alg=SIG_RSA_SHA1 if sha1 else SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA1 if sha1 else DIGEST_SHA256,
        )
        xml = str(response)
        if mode == "tampered":
            department = person["attributes"]["ou"]
            forged = html.escape(self.signing["department"])
            xml = xml.replace(f">{html.escape(department)}<", f">{forged}<")
        return xml


def query(environ) -> dict[str, str]:
    return dict(parse_qsl(environ.get("QUERY_STRING", "")))


def form(environ) -> dict[str, str]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return dict(parse_qsl(environ["wsgi.input"].read(length).decode()))


def body(environ) -> bytes:
    return environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))


def json_body(environ) -> dict:
    return json.loads(body(environ) or b"{}")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    options = parser.parse_args()
    base_url = f"http://127.0.0.1:{options.port}"
    app = IdentityProviderApp(base_url, options.state_dir)
    with make_server("127.0.0.1", options.port, app, handler_class=QuietHandler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
