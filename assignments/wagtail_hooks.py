"""What the assignments app adds to other apps' pages: the learner's "Assigned to you" panel."""

from django.template.loader import render_to_string
from django.utils import timezone
from wagtail import hooks

from assignments import selectors


@hooks.register("learner_assigned_work")
def assigned_to_you(request) -> str:
    """The signed-in person's own assigned items (never anyone else's), or nothing."""
    items = selectors.assigned_items_for(request.user, timezone.now())
    if not items:
        return ""
    return render_to_string(
        "assignments/includes/assigned_to_you.html", {"items": items}, request=request
    )
