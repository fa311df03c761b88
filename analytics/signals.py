"""Thin adapter: every stored statement batch goes through the evidence projection."""

from xapi.signals import statements_stored


def _on_statements_stored(sender, rows, **kwargs) -> None:
    from analytics.projection.store import project

    project(rows)


def connect() -> None:
    statements_stored.connect(_on_statements_stored, dispatch_uid="analytics-projection")
