"""Credentials the LRS does not issue itself, and the gates their requests pass through.

Another app may hand out short-lived LRS credentials (for example one per launch of a piece
of content) and keep rules of its own about what they may do. It registers a credential kind:
`authenticate(key, secret)` recognises its credentials (it is asked before the LRS's own clients
are looked up, so it must answer None at once, without a query, for keys that are not of its
form), and `gate(request, resource)` is asked
before every request made with one. The gate raises XapiHttpError to refuse the request, or
returns a callable run after the request has succeeded (to record what the request changed),
or None. The LRS knows nothing of what the kinds mean; requests with the LRS's own clients
never reach a gate.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xapi.http.request import LrsRequest
    from xapi.models import LrsClient

# The resources a gate is told about (other resources are named by their handler).
RESOURCE_STATEMENTS = "statements_resource"
RESOURCE_STATE = "state"
RESOURCE_ACTIVITY_PROFILE = "activity_profile"
RESOURCE_AGENT_PROFILE = "agent_profile"


@dataclass(frozen=True)
class IssuedCredential:
    """A recognised credential: the LRS client its requests act as (scopes, authority) and
    whatever the issuing app needs to judge them (`subject`)."""

    kind: str
    client: "LrsClient"
    subject: Any


Authenticate = Callable[[str, str], IssuedCredential | None]
Gate = Callable[["LrsRequest", str], Callable[[], None] | None]

_kinds: dict[str, tuple[Authenticate, Gate]] = {}


def credential_kind_register(kind: str, *, authenticate: Authenticate, gate: Gate) -> None:
    """Register (or replace, on a reload) a kind of issued credential."""
    _kinds[kind] = (authenticate, gate)


def issued_credential(key: str, secret: str) -> IssuedCredential | None:
    for authenticate, _ in _kinds.values():
        credential = authenticate(key, secret)
        if credential is not None:
            return credential
    return None


def credential_gate(request: "LrsRequest", resource: str) -> Callable[[], None] | None:
    credential = request.credential
    if credential is None:
        return None
    return _kinds[credential.kind][1](request, resource)
