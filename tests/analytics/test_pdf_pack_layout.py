"""The PDF report pack of the demo organisation loses nothing: every department, job role and
competency of the matching CSV is in its text, no laid-out box runs past its page's content
area (off the right edge, or over the page number at the bottom), and no page is left nearly
empty.

Four of the demo's nine packs are laid out, one of each kind the layout meets: the
organisation's (departments across, its grid and table cut in two), the CTO department's (the
smallest: job roles with few people, so many hidden cells, and its own page count), the
largest department's, HSS (every job role staffed, the longest figures in every cell), and
HCD (a small ordinary department with weaker areas, its cells mixing figures and hidden
groups). The other departments' packs are the same template over the same twelve job roles and
lay out as HSS and HCD do, so laying them out too would check nothing more; the organisation's
pack names every department."""

import csv
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader, apply_configuration
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from accounts.models import User
from analytics.exports.pack_layout import balanced
from organisations.models import Department
from tests.module_data import check_constraints_once

# Layout is measured in CSS pixels; a rounding error is not an overflow.
TOLERANCE = 0.5
# A page before the last may end early only so far: its content reaches at least this share of
# the page's content height.
FULLEST_GAP = 0.5
# Synthetic staff: fewer than the demo's 2,500, seeded in a fraction of the time, yet every
# department's job roles are all staffed, so each pack has the pages, heatmap parts and table
# parts it has with 2,500 (LAYOUT below); with 1,200 the CTO's pack already loses a job role.
STAFF = 1_600


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo organisation with its synthetic staff, seeded once for the module's packs."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--synthetic-staff", str(STAFF), stdout=StringIO())
        check_constraints_once()
        yield {d.code: d.name for d in Department.objects.all()}
        # Each test runs inside this transaction; undoing it leaves the database as it was.
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def packs(demo):
    """Every pack of the demo as the CTO office downloads it: the organisation's and each
    department's, each with its CSV, its PDF and the document WeasyPrint laid out for it."""
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(email="cto.office@example.org"))
    urls = {"organisation": ("organisation_export", [])}
    urls |= {code: ("department_export", [code]) for code in SCOPES[1:]}
    laid_out = []
    original = HTML.render

    def render(self, *args, **kwargs):
        document = original(self, *args, **kwargs)
        laid_out.append(document)
        return document

    result = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HTML, "render", render)
        for scope, (name, args) in urls.items():
            csv_body = client.get(reverse(name, args=[*args, "csv"])).content
            pdf = client.get(reverse(name, args=[*args, "pdf"]))
            assert pdf.status_code == 200, scope
            assert len(laid_out) == 1, "one layout per pack"
            result[scope] = Pack(csv_body, pdf.content, laid_out.pop())
    return result


class Pack:
    def __init__(self, csv_body: bytes, pdf: bytes, document):
        self.rows = list(csv.DictReader(io.StringIO(csv_body.decode("utf-8-sig"))))
        self.document = document
        # The heatmap pictures draw each of their labels as a form of its own, thousands in a
        # pack, and reading them was most of the module's time; the text is read without them,
        # so every name must be in the pack's own text (its tables), as a reader finds it.
        with apply_configuration(xform_maximum_invocations_per_extraction=0):
            pages = [_visible_text(page) for page in PdfReader(io.BytesIO(pdf)).pages]
        # Names wrap inside narrow cells: compare word sequences, whatever the line breaks.
        self.text = _words(" ".join(pages))


def _visible_text(page) -> str:
    """The page's text that is drawn on the page: text laid out past its edge is still in the
    file, but nobody reading the page sees it."""
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    parts = []

    def visit(text, cm, tm, font, size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if 0 <= x <= width and 0 <= y <= height:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(parts)


def _words(text: str) -> str:
    return " " + re.sub(r"\s+", " ", text).strip() + " "


DEPARTMENTS = ["CRS", "CTO", "ENV", "FIN", "HCD", "HSS", "TRN", "UPL"]
# The packs laid out (see the module's docstring for why they stand for the rest).
SCOPES = ["organisation", "CTO", "HSS", "HCD"]


@pytest.mark.django_db
def test_the_packs_laid_out_are_the_organisations_and_some_of_its_departments(demo):
    assert sorted(demo) == DEPARTMENTS
    assert set(SCOPES[1:]) < set(DEPARTMENTS)


# Each pack's pages, heatmap pictures, distinct tables (by their header row) and table pieces
# (a table that runs onto the next page is two pieces, its header repeated), as with the
# demo's 2,500 staff: wide grids cut into parts and tables running over pages in every pack.
DEPARTMENT_LAYOUT = {"pages": 14, "pictures": 6, "tables": 4, "table pieces": 10}
LAYOUT = {
    "organisation": {"pages": 8, "pictures": 2, "tables": 3, "table pieces": 7},
    "CTO": {"pages": 16, "pictures": 8, "tables": 4, "table pieces": 9},
    "HSS": DEPARTMENT_LAYOUT,
    "HCD": DEPARTMENT_LAYOUT,
}


@pytest.mark.django_db
def test_the_packs_are_laid_out_as_the_whole_demos(packs):
    laid_out = {}
    for scope, pack in packs.items():
        pictures, headers = 0, []
        for page in pack.document.pages:
            for box in _laid_out(page._page_box):
                pictures += isinstance(box, boxes.ReplacedBox)
                if isinstance(box, boxes.TableBox):
                    headers.append(_header_of(box))
        laid_out[scope] = {
            "pages": len(pack.document.pages),
            "pictures": pictures,
            "tables": len(set(headers)),
            "table pieces": len(headers),
        }

    assert laid_out == LAYOUT


def _header_of(table) -> tuple[str, ...]:
    return next(
        (
            tuple(_words(_text_of(cell)).strip() for cell in row.children)
            for group in table.children
            if group.is_header
            for row in group.children
        ),
        (),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
def test_pack_names_every_group_and_competency_of_its_csv(packs, demo, scope):
    pack = packs[scope]
    if scope == "organisation":
        names = {row["department_name"] for row in pack.rows}
        assert names == set(demo.values())
    else:
        names = {row["job_role_name"] for row in pack.rows} | {demo[scope]}
    codes = {row["competency"] for row in pack.rows}
    assert len(codes) > 30, "the demo framework's competencies are all in the CSV"

    missing = sorted(word for word in names | codes if _words(word) not in pack.text)

    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
def test_pack_tables_carry_the_figures_of_the_csv(packs, scope):
    """Each group and competency of the CSV is one cell of the pack's tables: the CSV's share
    meeting target with its counts, or no figure at all for a hidden group."""
    pack = packs[scope]
    column = "department_name" if scope == "organisation" else "job_role_name"
    cells = _table_cells(pack.document)
    groups = {row[column] for row in pack.rows}

    in_csv = {(row[column], row["competency"]) for row in pack.rows}
    wrong = [
        (row[column], row["competency"], cells.get((row[column], row["competency"])))
        for row in pack.rows
        if not _agrees(row, cells.get((row[column], row["competency"])))
    ]
    # A group whose job roles do not need a competency has no row in the CSV, and no figure.
    figures_beyond_the_csv = [
        (key, text)
        for key, text in cells.items()
        if key[0] in groups and key not in in_csv and re.search(r"\d", text)
    ]

    assert wrong == []
    assert figures_beyond_the_csv == []


def _agrees(row: dict, text: str | None) -> bool:
    if text is None:
        return False
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if row["suppressed"] == "yes":
        return "hidden" in text.lower() and numbers == []
    if row["pct_meeting"] == "":
        return "%" not in text
    share = float(row["pct_meeting"])
    printed = re.search(r"(\d+)%", text)
    close = printed is not None and abs(int(printed.group(1)) - share) <= 1
    return close and {int(row["meeting"]), int(row["known"])} <= set(numbers)


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
def test_no_box_runs_past_its_page(packs, scope):
    document = packs[scope].document
    overflowing = []
    for number, page in enumerate(document.pages, start=1):
        area = _content_area(page._page_box)
        for box in _laid_out(page._page_box):
            left, top, right, bottom = _edges(box)
            inside = (
                left >= area[0] - TOLERANCE
                and top >= area[1] - TOLERANCE
                and right <= area[2] + TOLERANCE
                and bottom <= area[3] + TOLERANCE
            )
            if not inside:
                overflowing.append((number, type(box).__name__, _text_of(box)[:40]))

    assert overflowing[:10] == []


@pytest.mark.django_db
@pytest.mark.parametrize("scope", SCOPES)
def test_no_page_before_the_last_is_nearly_empty(packs, scope):
    """Each page but the last holds more than a heading, and its content reaches at least
    halfway down the page."""
    document = packs[scope].document
    sparse = []
    for number, page in enumerate(document.pages[:-1], start=1):
        area = _content_area(page._page_box)
        shown = [
            (box, heading)
            for box, heading in _laid_out_with_headings(page._page_box)
            if _shows_something(box)
        ]
        lowest = max((_edges(box)[3] for box, _ in shown), default=area[1])
        filled = (lowest - area[1]) / (area[3] - area[1])
        if all(heading for _, heading in shown) or filled < FULLEST_GAP:
            sparse.append((number, round(filled, 2)))

    assert sparse == []


def _content_area(page_box) -> tuple[float, float, float, float]:
    left, top = page_box.content_box_x(), page_box.content_box_y()
    return left, top, left + page_box.width, top + page_box.height


def _laid_out(page_box):
    """Every box of the page's flow, leaving out its margin boxes (the page number)."""
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox):
            continue
        yield from child.descendants()


def _edges(box) -> tuple[float, float, float, float]:
    left, top = box.border_box_x(), box.border_box_y()
    return left, top, left + box.border_width(), top + box.border_height()


def _shows_something(box) -> bool:
    return (isinstance(box, boxes.TextBox) and box.text.strip()) or isinstance(
        box, boxes.ReplacedBox
    )


def _laid_out_with_headings(page_box):
    """Every box of the page's flow, each with whether it is part of a heading."""

    def walk(box, heading: bool):
        heading = heading or getattr(box, "element_tag", "") in HEADINGS
        yield box, heading
        for child in getattr(box, "children", ()):
            yield from walk(child, heading)

    for child in page_box.children:
        if not isinstance(child, boxes.MarginBox):
            yield from walk(child, False)


HEADINGS = {"h1", "h2", "h3", "caption"}


def _text_of(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return " ".join(d.text for d in box.descendants() if isinstance(d, boxes.TextBox))


def _table_cells(document) -> dict[tuple[str, str], str]:
    """The pack's matrix cells by column heading and competency code, across its pages and
    its parts: every table whose first heading is "Competency"."""
    cells: dict[tuple[str, str], str] = {}
    for page in document.pages:
        for box in _laid_out(page._page_box):
            if not isinstance(box, boxes.TableBox):
                continue
            headers = None
            for group in box.children:
                for row in group.children:
                    texts = [_words(_text_of(cell)).strip() for cell in row.children]
                    if group.is_header:
                        headers = texts
                    elif headers and headers[0] == "Competency" and texts:
                        code = texts[0].split(" ")[0]
                        for header, text in zip(headers[1:], texts[1:], strict=False):
                            cells[(header, code)] = text
    return cells


def test_columns_are_split_into_as_few_nearly_equal_parts_as_fit():
    assert balanced(range(13), 5) == [[0, 1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
    assert balanced(range(9), 9) == [list(range(9))]
    assert balanced(range(12), 8) == [list(range(6)), list(range(6, 12))]
    assert balanced([], 5) == []
