"""Reports say what they show: one rule for writing a share, and a heatmap whose heading, key,
squares and table all use the same words."""

import re
from html import unescape
from types import SimpleNamespace

import pandas as pd
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from analytics.reports import charts, dashboard, store_frames
from analytics.reports.assembly import skill_gap_report
from analytics.reports.store_frames import competencies_frame
from analytics.templatetags.analytics_format import percent, share_of
from courses.figures import share_text
from courses.wagtail_hooks import NO_LEARNERS, _rate
from tests.analytics.scenario import THRESHOLD

SHOWS = "Share of people meeting their target level"


def test_a_share_is_never_rounded_to_0_or_100_percent_unless_it_is():
    values = [0, 0.0001, 0.4999, 0.5, 1.4, 2.5, 50, 99.4999, 99.5, 99.9999, 100, None]
    assert [share_text(v) for v in values] == [
        "0%",
        "fewer than 1%",
        "fewer than 1%",
        "1%",
        "1%",
        "3%",
        "50%",
        "99%",
        "more than 99%",
        "more than 99%",
        "100%",
        "",
    ]
    assert [share_text(v, compact=True) for v in (0, 0.2, 99.8, 100)] == [
        "0%",
        "<1%",
        ">99%",
        "100%",
    ]
    # The report pages' filter is the same rule.
    assert [percent(v) for v in (0, 0.2, 37.5, 99.8, 100)] == [
        "0%",
        "fewer than 1%",
        "38%",
        "more than 99%",
        "100%",
    ]


def test_a_share_of_a_count_says_how_many():
    assert [share_of(*pair) for pair in [(1, 376), (0, 376), (375, 376), (376, 376)]] == [
        "fewer than 1% (1 of 376)",
        "0% (0 of 376)",
        "more than 99% (375 of 376)",
        "100% (376 of 376)",
    ]
    assert [share_of(1, 0), share_of(None, 5), share_of(1, None)] == ["", "", ""]


PEOPLE = 376


@pytest.fixture
def one_stale_of_many(framework, department, job_role, monkeypatch, settings):
    """376 people needing DA.1 at level 1: all but one meet it, and that one's evidence is
    stale. The reporting store is read as these frames; everything after it runs as live."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    people = pd.DataFrame(
        [(n, department.code, job_role.code, n) for n in range(1, PEOPLE + 1)],
        columns=["user", "department", "job_role", "person"],
    )
    targets = pd.DataFrame(
        [(job_role.code, "DA.1", None, 1)],
        columns=["job_role", "competency", "department", "target"],
    )
    proficiency = pd.DataFrame(
        [(n, "DA.1", 0.0 if n == 1 else 1.0, "self-assessment", n == 1) for n in people["person"]],
        columns=["person", "competency", "level", "source", "stale"],
    )
    inputs = {
        "framework": {"pk": framework.pk, "name": framework.name, "slug": framework.slug},
        "people": people,
        "targets": targets,
        "proficiency": proficiency,
        "competencies": competencies_frame(framework),
        "departments": {department.code: department.name},
        "job_roles": {job_role.code: job_role.name},
    }
    monkeypatch.setattr(store_frames, "report_inputs", lambda version=None, force=False: inputs)
    return department


def words(html: str) -> str:
    """Visible words of some HTML (charts left out), tags removed, whitespace collapsed."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def summary_value(page: str, key: str) -> str:
    found = re.search(
        rf'<dt class="govuk-summary-list__key">{key}</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        page,
        re.S,
    )
    assert found, key
    return words(found[1])


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["organisation", "department"])
def test_one_stale_target_of_many_is_not_written_as_0_percent(
    client, cto_office, one_stale_of_many, page
):
    client.force_login(cto_office)
    url = (
        reverse("organisation_report")
        if page == "organisation"
        else reverse("department_report", args=[one_stale_of_many.code])
    )

    body = client.get(url).content.decode()

    assert summary_value(body, "Stale levels") == (
        "Fewer than 1% (1 of 376) of targets rest on evidence more than 730 days old"
    )
    assert summary_value(body, "Targets not yet assessed") == (
        "0% (0 of 376) of targets have no known level: counted as not yet assessed, never as "
        "level 0"
    )
    # 375 of 376 meet their target: the whole-group figure is not written 100%.
    total = re.search(r"DA\.1 [^<]*</th>(.*?)</tr>", body, re.S)[1]
    assert words(re.findall(r"<td[^>]*>(.*?)</td>", total, re.S)[-1]) == (
        "More than 99% meet their target: see the evidence 375 of 376 assessed meet their target"
    )


@pytest.mark.django_db
def test_the_report_pack_writes_the_stale_share_by_the_same_rule(one_stale_of_many):

    report = skill_gap_report()
    html = render_to_string(
        "analytics/report_pack.html",
        {
            "report": report,
            "grid": dashboard.grid_of(report, with_svg=False),
            "coverage": dashboard.coverage_of(report),
        },
    )

    stale = re.search(r"<dt>Stale levels</dt><dd>(.*?)</dd>", html, re.S)[1]
    assert words(stale) == "Fewer than 1% (1 of 376) of targets (evidence over 730 days old)"


@pytest.fixture
def scenario(shared_organisation, settings):
    """A CTO office reader of the scenario's organisation, built once for this module."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    return shared_organisation.cto


def svg_texts(svg: str) -> dict[tuple[float, float], str]:
    return {
        (float(x), float(y)): unescape(text)
        for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    }


def table_cells(page: str, grid_id: str) -> dict[str, list[str]]:
    """The grid table's rows: competency code -> the words of each cell, total last."""
    table = re.search(rf'id="{grid_id}-caption">.*?</table>', page, re.S)[0]
    body = table.split("<tbody", 1)[1]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        code = words(re.search(r"<th[^>]*>(.*?)</th>", row, re.S)[1]).split()[0]
        rows[code] = [words(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "across", "svg_id"),
    [
        ("organisation", "department", "heatmap"),
        ("department", "job role", "department-heatmap"),
    ],
)
def test_heading_key_squares_and_table_of_the_heatmap_say_the_same(
    client, scenario, url, across, svg_id
):
    client.force_login(scenario)
    address = (
        reverse("organisation_report")
        if url == "organisation"
        else reverse("department_report", args=["CRS"])
    )

    response = client.get(address)
    page = response.content.decode()
    grid = response.context["grid"]

    # The section heading, the chart's title and the table's caption name the same thing.
    heading = words(re.search(r'<h2 class="govuk-heading-l" id="gaps-table">(.*?)</h2>', page)[1])
    assert heading == f"{SHOWS}, by {across}"
    title = re.search(rf'<title id="{svg_id}-title">(.*?)</title>', page)[1]
    caption = words(re.search(r'id="gaps-caption">(.*?)</caption>', page)[1])
    assert title == caption == f"{SHOWS}, by competency and {across}"

    # The key names every band of colour in the words the page explains them with.
    svg = grid.svg
    texts = svg_texts(svg)
    key = [t for t in texts.values() if "meet their target (" in t]
    assert key == [
        "Most meet their target (80% or more)",
        "Half or more meet their target (50% to 79%)",
        "Fewer than half meet their target (under 50%)",
    ]
    # Each band's swatch runs over the colours of the shares its words name.
    for i, (low, high) in enumerate([(80, 100), (50, 80), (0, 50)]):
        stops = re.search(rf'<linearGradient id="{svg_id}-band{i}">(.*?)</linearGradient>', svg)[1]
        colours = re.findall(r'stop-color="([^"]+)"', stops)
        assert (colours[0], colours[-1]) == (charts._colour(low), charts._colour(high))

    # Every shown square prints the share and the counts its table cell writes in words,
    # in the colour of the band the key names for that share.
    table = table_cells(page, "gaps")
    checked = 0
    for y, row in enumerate(grid.rows):
        for x, cell in enumerate(row.cells):
            if cell.state != "shown":
                continue
            f = cell.figures
            centre = charts.LEFT + (x + 0.5) * charts.CELL_W
            column = sorted((yy, t) for (xx, yy), t in texts.items() if xx == centre)
            (baseline, number), (_, counts) = column[-2 * (len(grid.rows) - y) :][:2]
            assert (number, counts) == (
                share_text(f.pct_meeting, compact=True),
                f"{f.meeting} of {f.known}",
            )
            expected = f"{share_text(f.pct_meeting)} meet their target: see the evidence "
            expected += f"{f.meeting} of {f.known} assessed meet their target"
            if f.unknown:
                expected += f" {f.unknown} not yet assessed"
            assert table[row.code][x] == expected
            # The square is filled with the colour of its share, which lies in the range of
            # the band the key names for it (the swatches above run over those ranges).
            corner = f"M{charts._n(centre - charts.CELL_W / 2)} "
            corner += charts._n(baseline - charts.NUMBER_BASELINE)
            fill = re.search(rf'<path d="[^"]*{corner}h[^"]*" fill="([^"]+)"', svg)[1]
            assert fill == charts._colour(f.pct_meeting)
            floor, ceiling = next(
                (low, high)
                for (low, band), high in zip(charts.BANDS, [101, 80, 50], strict=True)
                if band == charts.band(f.pct_meeting)
            )
            assert floor <= round(f.pct_meeting) < ceiling
            checked += 1
    assert checked >= 3


@pytest.mark.django_db
def test_the_heatmap_is_drawn_at_a_readable_size(client, scenario):
    client.force_login(scenario)

    page = client.get(reverse("organisation_report")).content.decode()

    svg = re.search(r'<svg role="img" aria-labelledby="heatmap-title.*?</svg>', page, re.S)[0]
    sizes = {float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)}
    assert (min(sizes), max(sizes)) == (16, 19)  # CSS pixels: GOV.UK's small and body text
    opening = svg.split(">", 1)[0]
    assert re.search(r' width="[\d.]+"', opening)  # pixels at its natural size, never shrunk
    # ...so a narrow screen scrolls it in a labelled region that takes the keyboard.
    region = re.search(r'<div class="app-table-scroll" role="region"([^>]*)>\s*<svg', page)[1]
    assert f'aria-label="Heatmap: {SHOWS}, by competency and department"' in region
    assert 'tabindex="0"' in region


def test_the_authors_course_report_writes_its_rates_by_the_same_rule():
    completion = _rate("completed", "enrolled", empty=NO_LEARNERS)
    rates = [
        completion(SimpleNamespace(completed=done, enrolled=enrolled))
        for done, enrolled in [(1, 300), (0, 300), (299, 300), (300, 300), (1, 3), (0, 0)]
    ]
    assert rates == ["Fewer than 1%", "0%", "More than 99%", "100%", "33%", NO_LEARNERS]
