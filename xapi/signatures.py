"""Signed statements (xAPI Data 2.6): a JWS whose payload is the statement being signed."""

import base64
import binascii

from xapi.comparison import statements_equivalent
from xapi.validation.errors import XapiValidationError
from xapi.validation.json_values import JsonValueError, load_json

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256", "RS384", "RS512"}


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def check_signature(statement: dict, attachment: dict, content: bytes, path: str) -> None:
    """Refuse a signature that is not a JWS over this statement with an RSA algorithm."""
    if attachment["contentType"] != "application/octet-stream":
        raise XapiValidationError(
            "a signature attachment's contentType must be application/octet-stream", path
        )
    try:
        header_b64, payload_b64, signature_b64 = content.decode("ascii").strip().split(".")
        header = load_json(_b64decode(header_b64), "the signature's header")
        payload = load_json(_b64decode(payload_b64), "the signature's payload")
        _b64decode(signature_b64)
    except JsonValueError as error:
        raise XapiValidationError(str(error), path) from None
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise XapiValidationError("the signature is not a JSON Web Signature", path) from None
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise XapiValidationError("the signature must use RS256, RS384 or RS512", path)
    if not isinstance(payload, dict):
        raise XapiValidationError("the signature's payload is not a statement", path)
    if not statements_equivalent(payload, statement, ignore=("attachments",)):
        raise XapiValidationError("the signature's payload does not match the statement", path)
