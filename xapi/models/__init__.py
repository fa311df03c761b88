"""Records of the LRS: statements and what they name, documents, clients, forwarding."""

from xapi.models.clients import LrsClient
from xapi.models.documents import Activity, Document
from xapi.models.forwarding import ForwardingEndpoint, OutboxEntry, PullCursor
from xapi.models.identity import LearnerIdentity
from xapi.models.statements import (
    Attachment,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementOrigin,
    StatementTargetMatch,
)

__all__ = [
    "Activity",
    "Attachment",
    "Document",
    "ForwardingEndpoint",
    "LearnerIdentity",
    "LrsClient",
    "OutboxEntry",
    "PullCursor",
    "Statement",
    "StatementActivity",
    "StatementAgent",
    "StatementOrigin",
    "StatementTargetMatch",
]
