"""Pages that the CMS's autosave started and their author never saved themselves."""

from django.db import models
from wagtail.models import Page


class AutosavedStart(models.Model):
    """Marks a page that autosave created while its author was still filling in the add form.

    Autosave saves a new page (with the slug made from its title) a moment after the author
    starts typing. If they abandon it and start again, the half-made page would hold the slug.
    The mark goes as soon as the author saves, submits or publishes the page themselves.
    """

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="autosaved_start")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "page started by autosave"

    def __str__(self) -> str:
        return f"{self.page} (started by autosave)"


def abandoned_start(*, parent: Page, slug: str, author) -> Page | None:
    """The page under `parent` with `slug` that `author` began and abandoned, or None.

    Only a page nobody else has touched qualifies: started by autosave, never saved by hand,
    never submitted for review or published, without subpages, every revision the author's.
    """
    page = (
        parent.get_children()
        .filter(
            slug=slug,
            owner=author,
            live=False,
            first_published_at__isnull=True,
            numchild=0,
            autosaved_start__isnull=False,
        )
        .first()
    )
    if page is None:
        return None
    others_wrote = page.revisions.exclude(user=author).exists()
    reviewed = page.specific.workflow_states.exists()
    return None if others_wrote or reviewed else page
