"""Signals the LRS sends, so that other apps can follow the statement stream without the LRS
knowing about them."""

from django.dispatch import Signal

# Sent inside the storing transaction with `rows`: the Statement objects just stored (voiding
# statements included; their targets are already marked voided).
statements_stored = Signal()
