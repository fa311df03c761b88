"""The home page: what the service is, and what it offers each kind of user."""

from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class AudienceBlock(blocks.StructBlock):
    audience = blocks.CharBlock(max_length=80, help_text="Who this is for, e.g. 'Civil servants'.")
    summary = blocks.TextBlock(help_text="One or two sentences on what they can do here.")

    class Meta:
        icon = "user"
        template = "courses/blocks/audience.html"


class HomePage(Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)
    audiences = StreamField([("audience", AudienceBlock())], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("audiences")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"
