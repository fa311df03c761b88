"""multipart/mixed bodies: statements first, then one part per attachment (xAPI 1.0.3 2.4.11)."""

import hashlib
from dataclasses import dataclass

from xapi.http.errors import bad_request


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    if not boundary:
        raise bad_request("A multipart/mixed request needs a boundary in its Content-Type.")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise bad_request("The multipart body has no parts between its boundaries.")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            head, separator, content = chunk.partition(b"\n\n")
        if not separator:
            raise bad_request("A multipart part has no blank line after its headers.")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            name, colon, value = line.partition(":")
            if not colon:
                raise bad_request(f"Malformed multipart header line: {line!r}")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers=headers, content=content))
    if not parts:
        raise bad_request("The multipart body has no parts.")
    return parts


def attachment_parts(parts: list[Part]) -> dict[str, tuple[str, bytes]]:
    """The attachment parts by declared hash, each checked against its content."""
    found: dict[str, tuple[str, bytes]] = {}
    for part in parts:
        declared = part.headers.get("x-experience-api-hash")
        if not declared:
            raise bad_request("Every attachment part needs an X-Experience-API-Hash header.")
        encoding = part.headers.get("content-transfer-encoding", "binary").lower()
        if encoding != "binary":
            raise bad_request("Attachment parts must use Content-Transfer-Encoding: binary.")
        if hashlib.sha256(part.content).hexdigest() != declared.lower():
            raise bad_request(f"The attachment part's content does not match its hash {declared}.")
        found[declared.lower()] = (part.content_type or "application/octet-stream", part.content)
    return found


def build_multipart(json_body: bytes, attachments: list[tuple[str, str, bytes]], boundary: str):
    """A multipart/mixed response: the JSON first, then (sha2, content type, content) parts."""
    lines = [b"--" + boundary.encode(), b"Content-Type: application/json", b"", json_body]
    for sha2, content_type, content in attachments:
        lines += [
            b"--" + boundary.encode(),
            f"Content-Type: {content_type}".encode(),
            b"Content-Transfer-Encoding: binary",
            f"X-Experience-API-Hash: {sha2}".encode(),
            b"",
            content,
        ]
    lines.append(b"--" + boundary.encode() + b"--")
    return b"\r\n".join(lines)
