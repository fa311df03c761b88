"""The ASGI application of openfun's Ralph (ralph-malph 5.1.0) on its filesystem backend.

This module is loaded by uvicorn inside Ralph's own virtualenv, never by the project. Two
defects of that release are corrected before Ralph's app is imported, because both would make
it useless as the far end of forwarding: its filesystem backend starts a new file on every
write instead of appending (only the first batch survives), and its verb and activity filters
compare pydantic IRI wrappers with plain strings (they never match).
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend


def _plain(value):
    """A pydantic root-model value (an IRI) as the plain string it wraps; others unchanged."""
    while hasattr(value, "root"):
        value = value.root
    return value


def _comparing_plain_values(filter_builder):
    def build(*args):
        return filter_builder(*(_plain(arg) for arg in args))

    return staticmethod(build)


FSLRSBackend.default_operation_type = BaseOperationType.APPEND
for _name in ("_add_filter_by_verb", "_add_filter_by_activity"):
    setattr(FSLRSBackend, _name, _comparing_plain_values(getattr(FSLRSBackend, _name)))

from ralph.api import app  # noqa: E402  (only once the backend is corrected)

__all__ = ["app"]
