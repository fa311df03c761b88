"""Charts: accessible SVG from plain data, never colour alone."""

import re

from analytics.charts import (
    HIDDEN,
    NO_DATA,
    NOT_NEEDED,
    SHOWN,
    HeatCell,
    band,
    heatmap_svg,
    trend_svg,
)


def test_bands_are_words_for_the_scale():
    assert [band(v) for v in (None, 0, 49.9, 50, 79.9, 80, 100)] == [
        "",
        "low",
        "low",
        "mid",
        "mid",
        "high",
        "high",
    ]


def heatmap(**changes):
    options = {
        "rows": ["DA.1", "SP.1"],
        "columns": ["CRS", "FIN"],
        "cells": [
            [HeatCell(SHOWN, 70.0), HeatCell(HIDDEN)],
            [HeatCell(NO_DATA), HeatCell(NOT_NEEDED)],
        ],
        "title": "Percentage meeting target",
        "description": "One row per competency.",
    }
    return heatmap_svg(**{**options, **changes})


def test_heatmap_is_a_labelled_image_with_its_numbers_and_words_as_text():
    svg = heatmap()

    assert svg.startswith('<svg role="img" aria-labelledby="heatmap-title heatmap-desc"')
    assert '<title id="heatmap-title">Percentage meeting target</title>' in svg
    assert '<desc id="heatmap-desc">One row per competency.</desc>' in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for word in ["70%", "mid", "hidden", "small group", "no data", "not needed", "CRS", "SP.1"]:
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
