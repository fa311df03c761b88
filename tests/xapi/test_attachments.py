"""Attachments (multipart/mixed) and signed statements."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.xapi.lrs import statement
from xapi.models import Attachment, Statement

pytestmark = pytest.mark.django_db

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def declared(content: bytes, content_type="text/plain", usage="https://example.org/evidence"):
    return {
        "usageType": usage,
        "display": {"en-GB": "Evidence"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def multipart(statements, parts, boundary="xapi-boundary"):
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
    ]
    for content_type, content, sha2 in parts:
        chunks.append(
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        chunks.append(content)
    chunks.append(f"\r\n--{boundary}--".encode())
    return b"".join(chunks), {"Content-Type": f"multipart/mixed; boundary={boundary}"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: dict, alg="RS256") -> bytes:
    signing_input = f"{b64(json.dumps({'alg': alg}).encode())}.{b64(json.dumps(payload).encode())}"
    digest = {
        "RS256": hashes.SHA256(),
        "RS384": hashes.SHA384(),
        "RS512": hashes.SHA512(),
        "HS256": hashes.SHA256(),
    }[alg]
    signature = KEY.sign(signing_input.encode(), padding.PKCS1v15(), digest)
    return f"{signing_input}.{b64(signature)}".encode()


def read_multipart(response) -> list[tuple[dict, bytes]]:
    """The parts of a multipart/mixed answer as (headers, content), read independently of the
    LRS's own parser."""
    kind, _, boundary = response.headers["Content-Type"].partition("; boundary=")
    assert kind == "multipart/mixed"
    delimiter = f"\r\n--{boundary}".encode()
    body = b"\r\n" + response.content
    assert body.endswith(delimiter + b"--")
    parts = []
    for chunk in body.removesuffix(delimiter + b"--").split(delimiter)[1:]:
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        parts.append((headers, content))
    return parts


def stored_attachments() -> list[tuple]:
    return list(Attachment.objects.values_list("sha2", "content_type", "content", "length"))


def test_attachment_is_stored_and_returned_with_attachments_true(lrs):
    # Binary content with line breaks and a boundary-like line must come back byte for byte.
    content = b"%PDF-1.7\r\n\x00\xff\r\n--not-the-boundary\r\nCertificate of completion\r\n"
    sha2 = declared(content)["sha2"]
    sent = statement(attachments=[declared(content, "application/pdf")])
    body, headers = multipart(sent, [("application/pdf", content, sha2)])

    response = lrs.post("statements", data=body, headers=headers)
    fetched = lrs.get("statements", params={"statementId": sent["id"], "attachments": "true"})
    plain = lrs.get("statements", params={"statementId": sent["id"]}).json()

    assert (response.status_code, response.json()) == (200, [sent["id"]])
    assert [(s, t, bytes(c), n) for s, t, c, n in stored_attachments()] == [
        (sha2, "application/pdf", content, len(content))
    ]
    assert fetched.status_code == 200
    [(statement_headers, statement_body), *attachment_parts] = read_multipart(fetched)
    assert statement_headers == {"Content-Type": "application/json"}
    assert json.loads(statement_body) == plain
    assert plain["attachments"] == [declared(content, "application/pdf")]
    assert attachment_parts == [
        (
            {
                "Content-Type": "application/pdf",
                "Content-Transfer-Encoding": "binary",
                "X-Experience-API-Hash": sha2,
            },
            content,
        )
    ]


def test_a_query_with_attachments_true_returns_each_attachment_once(lrs):
    shared, own = b"Shared evidence", b"Only the second"
    first = statement(attachments=[declared(shared)])
    second = statement(attachments=[declared(shared), declared(own)])
    for sent, parts in ((first, [shared]), (second, [shared, own])):
        body, headers = multipart(
            sent, [("text/plain", part, declared(part)["sha2"]) for part in parts]
        )
        assert lrs.post("statements", data=body, headers=headers).status_code == 200

    fetched = lrs.get("statements", params={"attachments": "true"})

    [(_, listing), *attachment_parts] = read_multipart(fetched)
    assert [s["id"] for s in json.loads(listing)["statements"]] == [second["id"], first["id"]]
    assert sorted(content for _, content in attachment_parts) == sorted([shared, own])
    assert len(stored_attachments()) == 2


def test_attachment_with_file_url_needs_no_part(lrs):
    attachment = {**declared(b"x"), "fileUrl": "https://example.org/x.txt"}
    sent = statement(attachments=[attachment])

    response = lrs.post_statements(sent)

    assert (response.status_code, response.json()) == (200, [sent["id"]])
    stored = lrs.get("statements", params={"statementId": sent["id"]}).json()
    assert stored["attachments"] == [attachment]
    assert stored_attachments() == []


def test_attachment_without_part_or_file_url_is_refused(lrs):
    response = lrs.post_statements(statement(attachments=[declared(b"missing")]))

    assert response.status_code == 400
    assert "no attachment part with this sha2" in response.json()["error"]["message"]
    assert (Statement.objects.count(), stored_attachments()) == (0, [])


def test_part_whose_content_does_not_match_its_hash_is_refused(lrs):
    sent = statement(attachments=[declared(b"original")])
    body, headers = multipart(sent, [("text/plain", b"tampered", declared(b"original")["sha2"])])

    response = lrs.post("statements", data=body, headers=headers)

    assert response.status_code == 400
    assert "does not match its hash" in response.json()["error"]["message"]
    assert (Statement.objects.count(), stored_attachments()) == (0, [])


def test_part_matching_no_declared_attachment_is_refused(lrs):
    body, headers = multipart(
        statement(), [("text/plain", b"stray", hashlib.sha256(b"stray").hexdigest())]
    )

    response = lrs.post("statements", data=body, headers=headers)

    assert response.status_code == 400
    assert "match no statement" in response.json()["error"]["message"]
    assert (Statement.objects.count(), stored_attachments()) == (0, [])


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_accepted(lrs, alg):
    sent = statement()
    signature = jws(sent, alg)
    signed = {**sent, "attachments": [declared(signature, "application/octet-stream", SIGNATURE)]}
    sha2 = hashlib.sha256(signature).hexdigest()
    body, headers = multipart(signed, [("application/octet-stream", signature, sha2)])

    response = lrs.post("statements", data=body, headers=headers)

    assert (response.status_code, response.json()) == (200, [sent["id"]])
    assert [(s, t, bytes(c), n) for s, t, c, n in stored_attachments()] == [
        (sha2, "application/octet-stream", signature, len(signature))
    ]
    stored = lrs.get("statements", params={"statementId": sent["id"]}).json()
    assert stored["attachments"] == signed["attachments"]


@pytest.mark.parametrize(
    ("make_signature", "content_type", "message"),
    [
        (lambda s: jws(s, "HS256"), "application/octet-stream", "RS256, RS384 or RS512"),
        (lambda s: b"not.a.jws!", "application/octet-stream", "not a JSON Web Signature"),
        (
            lambda s: jws({**s, "verb": {"id": "https://example.org/other"}}),
            "application/octet-stream",
            "does not match the statement",
        ),
        (lambda s: jws(s), "text/plain", "contentType must be application/octet-stream"),
    ],
)
def test_bad_signatures_are_refused(lrs, make_signature, content_type, message):
    sent = statement()
    signature = make_signature(sent)
    signed = {**sent, "attachments": [declared(signature, content_type, SIGNATURE)]}
    body, headers = multipart(
        signed, [(content_type, signature, hashlib.sha256(signature).hexdigest())]
    )

    response = lrs.post("statements", data=body, headers=headers)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert (Statement.objects.count(), stored_attachments()) == (0, [])


def test_signature_comparison_ignores_duration_beyond_hundredths(lrs):
    sent = statement(result={"duration": "P1DT12H36M0.12S"})
    signature = jws(sent)
    signed = {
        **sent,
        "result": {"duration": "P1DT12H36M0.1237S"},
        "attachments": [declared(signature, "application/octet-stream", SIGNATURE)],
    }
    sha2 = hashlib.sha256(signature).hexdigest()
    body, headers = multipart(signed, [("application/octet-stream", signature, sha2)])

    response = lrs.post("statements", data=body, headers=headers)

    assert (response.status_code, response.json()) == (200, [sent["id"]])
    assert [bytes(content) for _, _, content, _ in stored_attachments()] == [signature]


def test_wrong_content_type_for_statements_is_refused(lrs):
    response = lrs.post("statements", data=b"<xml/>", headers={"Content-Type": "text/xml"})

    assert response.status_code == 400
    assert "application/json or multipart/mixed" in response.json()["error"]["message"]
