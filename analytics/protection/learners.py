"""Who may see a course's or programme's learners by name: the training lead who owns the page
(its Wagtail owner), and people who see every report (CTO office, administrators)."""

from wagtail.models import Page

from accounts.roles import Role
from analytics.protection.access import may_view_all


def may_view_learners(user, item: Page) -> bool:
    if not user.is_authenticated:
        return False
    if may_view_all(user):
        return True
    # Owning a page is not enough by itself: an author whose training lead role was taken away
    # keeps their pages' owner field, not the right to see the people on them.
    return item.owner_id == user.pk and user.groups.filter(name=Role.TRAINING_LEAD).exists()


def may_view_compliance(user) -> bool:
    """The organisation's compliance figures, aggregated: the same readers as every report."""
    return user.is_authenticated and may_view_all(user)
