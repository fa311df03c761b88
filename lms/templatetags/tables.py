"""One wrapper for every data table: a labelled, keyboard-focusable region that scrolls sideways.

    {% load tables %}
    {% scroll_table %}
      <table class="govuk-table"><caption ...>...</caption>...</table>
    {% endscroll_table %}

The region takes its accessible name from the table's caption, so the caption is required; a
caption without an id is given one. The region fits its container and scrolls inside it when the
table is wider, with a shadow at the edge that has more columns (see static/src/_components.scss).
"""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_CAPTION = re.compile(r"<caption\b(?P<attributes>[^>]*)>", re.IGNORECASE)
_ID = re.compile(r"""\bid\s*=\s*(?P<quote>["'])(?P<id>[^"']+)(?P=quote)""", re.IGNORECASE)
_COUNTER = "lms.tables.counter"


class ScrollTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        html = self.nodelist.render(context)
        caption = _CAPTION.search(html)
        if caption is None:
            raise template.TemplateSyntaxError(
                "scroll_table needs a table with a <caption>: it names the scroll region."
            )
        found = _ID.search(caption.group("attributes"))
        if found:
            caption_id = found.group("id")
        else:
            # Counted for the whole response: each included template has its own render context.
            shared = context.render_context.dicts[0]
            number = shared.get(_COUNTER, 0) + 1
            shared[_COUNTER] = number
            caption_id = f"table-caption-{number}"
            html = (
                html[: caption.start()]
                + f'<caption id="{caption_id}"{caption.group("attributes")}>'
                + html[caption.end() :]
            )
        # The id comes from rendered, already escaped HTML, or is generated: safe as it stands.
        return mark_safe(  # noqa: S308
            f'<div class="app-table-scroll" role="region" aria-labelledby="{caption_id}"'
            f' tabindex="0">{html}</div>'
        )


@register.tag
def scroll_table(parser, token) -> ScrollTableNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("scroll_table takes no arguments")
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(nodelist)
