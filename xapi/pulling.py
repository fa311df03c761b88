"""Import from another LRS: page by page, each page stored with its cursor, idempotent."""

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from tincan.lrs_response import LRSResponse

from xapi.forwarding import transport_for
from xapi.models import ForwardingEndpoint, PullCursor, Statement
from xapi.services import StatementConflict, statements_store
from xapi.transport import LrsTransport
from xapi.validation import XapiValidationError

logger = logging.getLogger(__name__)

# A stale `more` link: the LRS has forgotten the query it belonged to.
EXPIRED_MORE = {400, 404, 410}


class PullError(Exception):
    """The other LRS could not be read; the cursor is where the last stored page left it."""


@dataclass
class PullReport:
    endpoint: str
    pages: int = 0
    received: int = 0
    stored: int = 0
    skipped: list[str] = field(default_factory=list)
    finished: bool = False


def statements_pull(*, endpoint: ForwardingEndpoint, max_pages: int | None = None) -> PullReport:
    """Read statements from the endpoint's LRS and store those this LRS does not hold yet.

    Each page is stored in one transaction together with the cursor (the `more` link, and the
    latest `stored` time seen), so a run that stops anywhere resumes after the last stored page.
    Pulled statements keep their authority and are not queued back to this endpoint.
    """
    cursor, _ = PullCursor.objects.get_or_create(endpoint=endpoint)
    report = PullReport(endpoint=endpoint.name)
    with transport_for(endpoint) as lrs:
        while max_pages is None or report.pages < max_pages:
            page = _read_page(lrs, endpoint, cursor)
            statements = page.get("statements")
            if not isinstance(statements, list):
                raise PullError("The LRS answered without a statements list.")
            _store_page(endpoint, cursor, statements, str(page.get("more") or ""), report)
            report.pages += 1
            if not cursor.more_url:
                report.finished = True
                break
            if not statements:
                # A more link with nothing behind it: stop rather than follow it round.
                break
    return report


def _read_page(lrs: LrsTransport, endpoint: ForwardingEndpoint, cursor: PullCursor) -> dict:
    try:
        if cursor.more_url:
            response = lrs.more_statements(cursor.more_url)
            if response.response.status in EXPIRED_MORE:
                # More links are only good for a while on many LRSs. The stored time of the last
                # page stored does not expire (and without one, starting again is harmless:
                # statements already held are not stored twice).
                logger.warning("The more link for %s has expired; resuming by time", endpoint)
                response = lrs.query_statements(_query(endpoint, cursor.since))
        else:
            response = lrs.query_statements(_query(endpoint, cursor.since))
    except (OSError, ValueError) as error:
        raise PullError(f"{type(error).__name__}: {error}") from error
    return _page(response)


def _query(endpoint: ForwardingEndpoint, since: str) -> dict:
    # Oldest first, so the cursor only ever moves forward.
    query: dict = {"ascending": True, "limit": endpoint.batch_size}
    if since:
        query["since"] = since
    return query


def _page(response: LRSResponse) -> dict:
    if not response.success:
        raise PullError(f"HTTP {response.response.status}: {(response.data or '')[:500]}")
    try:
        page = json.loads(response.data)
    except ValueError as error:
        raise PullError(f"The LRS answered with something other than JSON: {error}") from None
    if not isinstance(page, dict):
        raise PullError("The LRS answered with something other than a StatementResult.")
    return page


def _store_page(
    endpoint: ForwardingEndpoint,
    cursor: PullCursor,
    statements: list,
    more: str,
    report: PullReport,
) -> None:
    storable, skipped = [], []
    for statement in statements:
        # Without an id this LRS would mint a new one on every run: not idempotent.
        if isinstance(statement, dict) and _is_uuid(statement.get("id")):
            storable.append(statement)
        else:
            skipped.append(f"{_id_of(statement)}: has no statement id")
    with transaction.atomic():
        ids = [str(statement["id"]).lower() for statement in storable]
        held = {
            str(i)
            for i in Statement.objects.filter(statement_id__in=ids).values_list(
                "statement_id", flat=True
            )
        }
        stored = _store(endpoint, storable, skipped)
        cursor.more_url = more
        latest = _latest_stored(storable)
        if latest:
            cursor.since = latest
        cursor.pulled += len(set(stored) - held)
        cursor.save()
    report.received += len(statements)
    report.stored += len(set(stored) - held)
    report.skipped += skipped


def _store(endpoint: ForwardingEndpoint, statements: list[dict], skipped: list[str]) -> list[str]:
    """Store the page at once; if one statement spoils it, store the others one by one and
    report the spoiled ones, so that one bad statement at the peer cannot stall the import."""
    if not statements:
        return []
    store = {"client": None, "version": endpoint.version, "source_endpoint_id": endpoint.pk}
    try:
        return statements_store(statements=statements, **store)
    except (XapiValidationError, StatementConflict):
        pass
    stored = []
    for statement in statements:
        try:
            stored += statements_store(statements=[statement], **store)
        except (XapiValidationError, StatementConflict) as error:
            skipped.append(f"{statement['id']}: {error}")
    return stored


def _latest_stored(statements: list[dict]) -> str:
    """The latest `stored` time on the page, as the LRS wrote it (it is sent back as `since`)."""
    latest, latest_text = None, ""
    for statement in statements:
        text = statement.get("stored")
        try:
            moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is not None and (latest is None or moment > latest):
            latest, latest_text = moment, str(text)
    return latest_text


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _id_of(statement: object) -> str:
    return str(statement.get("id", "?")) if isinstance(statement, dict) else "?"
