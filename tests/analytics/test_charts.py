"""Charts: accessible SVG from plain data, never colour alone."""

import re

from analytics.reports import charts, dashboard
from analytics.reports.charts import (
    HIDDEN,
    NO_DATA,
    NOT_NEEDED,
    SHOWN,
    HeatCell,
    band,
    heatmap_svg,
    trend_svg,
)
from analytics.reports.dashboard import trend_of

FEW = "Fewer than half meet their target (under 50%)"
HALF = "Half or more meet their target (50% to 79%)"
MOST = "Most meet their target (80% or more)"


def test_bands_say_how_many_meet_their_target_as_the_share_is_printed():
    # 49.5 prints as 50% and 79.5 as 80%: each is in the band its printed share names.
    values = (None, 0, 49.4, 49.5, 50, 79.4, 79.5, 80, 99.9, 100)
    assert [band(v) for v in values] == ["", FEW, FEW, HALF, HALF, HALF, MOST, MOST, MOST, MOST]


def heatmap(**changes):
    options = {
        "rows": ["DA.1", "SP.1"],
        "columns": ["CRS", "FIN"],
        "cells": [
            [HeatCell(SHOWN, 70.0, 7, 10), HeatCell(HIDDEN)],
            [HeatCell(NO_DATA), HeatCell(NOT_NEEDED)],
        ],
        "title": "Share of people meeting their target level",
        "description": "One row per competency.",
    }
    return heatmap_svg(**{**options, **changes})


def test_heatmap_is_a_labelled_image_with_its_numbers_and_words_as_text():
    svg = heatmap()

    assert svg.startswith('<svg role="img" aria-labelledby="heatmap-title heatmap-desc"')
    assert '<title id="heatmap-title">Share of people meeting their target level</title>' in svg
    assert '<desc id="heatmap-desc">One row per competency.</desc>' in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for word in ["70%", "7 of 10", "hidden", "small group", "no one", "assessed yet"]:
        assert word in texts
    for word in ["not needed", "CRS", "SP.1", "Key", FEW, HALF, MOST, "No one assessed yet"]:
        assert word in texts
    assert "<?xml" not in svg
    assert 'height="' not in svg.split(">", 1)[0]  # scales with the page


def test_two_charts_on_a_page_share_no_id():
    first, second = heatmap(id_prefix="one"), heatmap(id_prefix="two")

    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids
    assert all(i.startswith("one-") for i in ids)
    assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', second))
    # Every reference points at an id of its own chart.
    for reference in re.findall(r'(?:url\(#|href="#)([^)"]+)', first):
        assert reference in ids


def test_trend_labels_each_point():
    svg = trend_svg(
        points=[("2026-01", 40.0), ("2026-02", None), ("2026-03", 55.0)],
        title="Over time",
        description="Two months shown.",
    )

    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "40%" in texts
    assert "55%" in texts
    assert "2026-02" in texts


def test_a_department_heatmap_stays_small():
    # 33 competencies by 12 job roles, as on a large department's page: matplotlib's markup
    # for this grid was over 400 KB, carried by the page on every visit.
    rows = [f"DF.{n}" for n in range(33)]
    columns = [f"Job role with a long name {n}" for n in range(12)]
    cells = [
        [HeatCell(SHOWN, float((x * 7 + y * 3) % 101), 7, 10) for x in range(12)] for y in range(33)
    ]
    cells[0][0] = HeatCell(HIDDEN)

    svg = heatmap(rows=rows, columns=columns, cells=cells)

    assert len(svg) < 80_000
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts.count("hidden") == 1
    shown = 33 * 12 - 1
    assert len([t for t in texts if t.endswith("%")]) == shown
    assert texts.count("7 of 10") == shown


def test_hidden_and_no_data_cells_are_patterned_not_only_coloured():
    svg = heatmap()

    assert 'fill="url(#heatmap-hidden)"' in svg
    assert 'fill="url(#heatmap-nodata)"' in svg
    assert '<pattern id="heatmap-hidden"' in svg


def test_a_trend_is_drawn_once_for_the_same_figures(monkeypatch):
    drawn = []

    def draw(**options):
        drawn.append(options["points"])
        return "<svg/>"

    monkeypatch.setattr(charts, "trend_svg", draw)
    points = [("Jan 2026", 41.25), ("Feb 2026", 43.5)]  # figures no other test draws

    first = trend_of(points)
    dashboard._trend.cache_clear()  # another process: only the shared cache has the chart
    second = trend_of(points)
    third = trend_of([*points, ("Mar 2026", 44.0)])

    assert first.svg == second.svg == third.svg == "<svg/>"
    assert len(drawn) == 2
