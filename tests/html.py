"""Read a rendered page the way a person does: the words of a heading, a table's rows, a list's
items, so that tests compare whole extracted values with `==` instead of searching raw HTML."""

import copy
import re

import lxml.etree
import lxml.html


def tree(html: str | bytes):
    return lxml.html.fromstring(html)


def text_of(element) -> str:
    """An element's words, whitespace collapsed, with no space before punctuation that
    follows an inline element ("<a>Noor</a>, officer" reads "Noor, officer"). Isolated text
    (`<bdi>`, which only sets the direction of a name or title) reads as if it were not there."""
    if element.xpath(".//bdi"):
        element = copy.deepcopy(element)
        lxml.etree.strip_tags(element, "bdi")
    words = " ".join(" ".join(element.itertext()).split())
    return re.sub(r" ([,.;:!?)])", r"\1", words)


def texts(html: str | bytes, xpath: str) -> list[str]:
    """The words of every element matching `xpath`, in page order."""
    return [text_of(element) for element in tree(html).xpath(xpath)]


def heading(html: str | bytes) -> str:
    [h1] = texts(html, "//h1")
    return h1


def table(html: str | bytes, caption: str | None = None) -> list[list[str]]:
    """The rows of a table (header row first), each as its cells' words; with `caption`, the
    one table whose caption starts with it."""
    tables = [
        element
        for element in tree(html).iter("table")
        if caption is None or " ".join(element.xpath("string(caption)").split()).startswith(caption)
    ]
    [found] = tables
    return [[text_of(cell) for cell in row.xpath("th|td")] for row in found.xpath(".//tr")]


def summary(html: str | bytes) -> dict[str, str]:
    """A GOV.UK summary list's rows, key to value."""
    return {
        text_of(row.xpath("dt")[0]): text_of(row.xpath("dd")[0])
        for row in tree(html).xpath("//dl[contains(@class, 'govuk-summary-list')]/div")
    }
