"""Report pages per role: who sees what, hidden groups stay hidden, names only for the lead."""

import re

import pytest
from django.urls import reverse

from analytics.reports import charts, store_frames
from analytics.reports.dashboard import Cell, Figures
from analytics.reports.trends import snapshot_months
from analytics.templatetags.analytics_format import gap_cell
from tests.analytics.scenario import THRESHOLD
from tests.html import heading, table, texts, tree


@pytest.fixture
def organisation(shared_organisation, settings):
    """The scenario's organisation, built once for this module (tests/analytics/conftest.py)."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    return shared_organisation


def text(response) -> str:
    """The page's visible words, tags removed, whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.django_db
def test_cto_office_sees_every_department_and_no_names(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(reverse("organisation_report"))

    assert response.status_code == 200
    html = response.content.decode()
    assert heading(html) == "Skills reports"
    assert table(html, "Share of people meeting") == [
        [
            "Competency",
            "Civil Registration and Citizen Services",
            "Finance, Revenue and Procurement",
            "Transport and Mobility",
            "All departments",
        ],
        [
            "DA.1 Data literacy",
            shown(70, 7, 10, 4),
            shown(71, 5, 7, 3),
            shown(50, 2, 4, 2),
            shown(67, 14, 21, 9),
        ],
        [
            "DA.2 Data ethics",
            shown(50, 2, 4, 2),
            "Hidden small group",
            "Hidden small group",
            shown(44, 4, 9, 2),
        ],
        [
            "SP.1 Cyber hygiene",
            shown(60, 6, 10, 4),
            shown(71, 5, 7, 3),
            shown(75, 3, 4, 2),
            shown(67, 14, 21, 9),
        ],
    ]
    assert table(html, "Largest gaps") == [
        [
            "Rank",
            "Competency",
            "Priority",
            "Mean gap (levels)",
            "Share meeting their target",
            "Share not yet assessed",
            "People below target",
        ],
        ["1", "SP.1 Cyber hygiene", "6.0", "0.43", "67%", "30%", "7"],
        ["2", "DA.1 Data literacy", "5.3", "0.38", "67%", "30%", "7"],
        ["3", "DA.2 Data ethics", "3.9", "0.78", "44%", "18%", "5"],
    ]
    assert "Person" not in text(response)  # nobody is named
    assert charts_of(html) == [("img", "heatmap-title heatmap-desc")]


def shown(pct: int, meeting: int, known: int, unknown: int) -> str:
    """The words of a shown cell of a figures table."""
    return (
        f"{pct}% meet their target: see the evidence "
        f"{meeting} of {known} assessed meet their target {unknown} not yet assessed"
    )


def charts_of(html: str) -> list[tuple[str, str]]:
    """Each chart's role and the ids of the title and description it is labelled by."""
    return [(svg.get("role"), svg.get("aria-labelledby")) for svg in tree(html).xpath("//svg")]


@pytest.mark.django_db
def test_hidden_groups_show_no_figure_on_the_cto_page(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(reverse("organisation_report"))

    grid = response.context["grid"]
    da2 = next(row for row in grid.rows if row.code == "DA.2")
    states = {column.code: cell.state for column, cell in zip(grid.columns, da2.cells, strict=True)}
    assert states == {"CRS": "shown", "FIN": "hidden", "TRN": "hidden"}
    hidden = [cell for cell in da2.cells if cell.state == "hidden"]
    assert all(cell.figures.people is None and cell.figures.pct_meeting is None for cell in hidden)
    # The table row for DA.2 holds CRS's figures and two "Hidden" cells, nothing else.
    rows = table(response.content.decode(), "Share of people meeting")
    assert rows[2] == [
        "DA.2 Data ethics",
        shown(50, 2, 4, 2),
        "Hidden small group",
        "Hidden small group",
        shown(44, 4, 9, 2),
    ]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.mark.django_db
def test_every_shown_figure_links_to_its_drill_down(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(reverse("organisation_report"))

    grid = response.context["grid"]
    for row in grid.rows:
        for column, cell in zip(grid.columns, row.cells, strict=True):
            if cell.state == "shown":
                assert cell.url == f"/reports/departments/{column.code}/competencies/{row.code}/"
        assert row.total.url == f"/reports/competencies/{row.code}/"
    assert [gap.url for gap in response.context["top_gaps"]] == [
        "/reports/competencies/SP.1/",
        "/reports/competencies/DA.1/",
        "/reports/competencies/DA.2/",
    ]


@pytest.mark.django_db
def test_drill_down_explains_a_figure(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(reverse("department_competency", args=["CRS", "DA.1"]))

    assert response.status_code == 200
    d = response.context["distribution"]
    # CRS DA.1 levels: 0 o3; 1 o2 o4 a3; 2 o1 o8 a2; 3 a1 a4; 4 a6; unknown o5 o6 o7 a5.
    assert [(level, count) for level, _, count in d.levels] == [
        (0, 1),
        (1, 3),
        (2, 3),
        (3, 2),
        (4, 1),
    ]
    assert (d.people, d.known, d.unknown, d.meeting, d.below, d.total_gap) == (14, 10, 4, 7, 3, 4)
    assert d.sources == [("manager validation", 2), ("self-assessment", 8)]
    assert d.targets == [("Citizen service officer", [1]), ("Data analyst", [3])]
    html = response.content.decode()
    assert heading(html) == "DA.1 Data literacy"
    assert texts(html, "//main//p") == [
        "The evidence behind this competency's figures: how the levels of the people who need it "
        "are spread, where those levels come from and how old they are.",
        "7 of the 10 people assessed (whose level is known) meet their target: 70%.",
        "4 of 14 people are not yet assessed (29%); they are counted apart, not as level 0.",
        "3 people are below target; their gaps add up to 4 levels, a mean gap of 0.40 across the "
        "10 known levels.",
        "Stale: 0 of the 10 known levels (0%) rest on evidence more than 730 days old.",
    ]
    assert table(html, "People at each level") == [
        ["Level", "People"],
        ["0 Not yet", "1"],
        ["1 Awareness", "3"],
        ["2 Working", "3"],
        ["3 Practitioner", "2"],
        ["4 Expert", "1"],
        ['Not yet assessed (no evidence, or "I don\'t know")', "4"],
    ]
    assert table(html, "Where the known levels come from") == [
        ["Evidence", "People"],
        ["Manager validation", "2"],
        ["Self-assessment", "8"],
    ]
    assert table(html, "Share of people meeting their target level, by job role") == [
        ["Job role", "Share meeting their target"],
        ["Citizen service officer", shown(80, 4, 5, 3)],
        ["Data analyst", shown(60, 3, 5, 1)],
    ]


@pytest.mark.django_db
def test_drill_down_of_a_hidden_group_shows_nothing(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(
        reverse("department_competency", args=["FIN", "DA.2"]) + "?job_role=data-analyst"
    )

    assert response.status_code == 200
    assert not response.context["distribution"].visible
    # The whole page: what the figure is about and why it is hidden, no figure at all.
    assert texts(response.content.decode(), "//main/*") == [
        "Data analyst, Finance, Revenue and Procurement",
        "DA.2 Data ethics",
        "The evidence behind this competency's figures: how the levels of the people who need it "
        "are spread, where those levels come from and how old they are.",
        "! Warning Hidden: 4 people or fewer, or showing it would let a smaller hidden group be "
        "worked out. No figure about this group is shown.",
    ]


@pytest.mark.django_db
def test_department_lead_sees_own_department_and_direct_reports_by_name(client, organisation):
    client.force_login(organisation.managers["CRS"])

    response = client.get(reverse("department_report", args=["CRS"]))

    assert response.status_code == 200
    team = {person.name: person for person in response.context["team"]}
    assert len(team) == 14
    o4 = team["Person O4"]
    assert [(r.code, r.level, r.source, r.target, r.gap) for r in o4.rows] == [
        ("DA.1", 1, "manager validation", 1, 0),
        ("SP.1", 3, "self-assessment", 2, 0),
    ]
    # o6 answered "I don't know" for DA.1: unknown, not 0.
    assert team["Person O6"].rows[0].level is None
    assert team["Person O6"].unknown == 1
    html = response.content.decode()
    assert texts(html, "//details/summary") == [
        "Person A1, Data analyst: 3 meeting, 0 below, 0 not yet assessed",
        "Person A2, Data analyst: 0 meeting, 3 below, 0 not yet assessed",
        "Person A3, Data analyst: 1 meeting, 1 below, 1 not yet assessed",
        "Person A4, Data analyst: 1 meeting, 1 below, 1 not yet assessed",
        "Person A5, Data analyst: 0 meeting, 0 below, 3 not yet assessed",
        "Person A6, Data analyst: 3 meeting, 0 below, 0 not yet assessed",
        "Person O1, Citizen service officer: 2 meeting, 0 below, 0 not yet assessed",
        "Person O2, Citizen service officer: 1 meeting, 1 below, 0 not yet assessed",
        "Person O3, Citizen service officer: 1 meeting, 1 below, 0 not yet assessed",
        "Person O4, Citizen service officer: 2 meeting, 0 below, 0 not yet assessed",
        "Person O5, Citizen service officer: 0 meeting, 1 below, 1 not yet assessed",
        "Person O6, Citizen service officer: 0 meeting, 1 below, 1 not yet assessed",
        "Person O7, Citizen service officer: 0 meeting, 0 below, 2 not yet assessed",
        "Person O8, Citizen service officer: 1 meeting, 0 below, 1 not yet assessed",
    ]
    assert table(html, "Levels of Person O4") == [
        ["Competency", "Level", "From", "Target", "Gap"],
        ["DA.1 Data literacy", "1", "Manager validation", "1", "Meets"],
        ["SP.1 Cyber hygiene", "3", "Self-assessment", "2", "Meets"],
    ]
    assert table(html, "Levels of Person O6") == [
        ["Competency", "Level", "From", "Target", "Gap"],
        ["DA.1 Data literacy", "Not yet assessed", "No evidence", "1", "Unknown"],
        ["SP.1 Cyber hygiene", "1", "Self-assessment", "2", "1 below"],
    ]


@pytest.mark.django_db
def test_department_lead_is_refused_another_department(client, organisation):
    client.force_login(organisation.managers["CRS"])

    assert client.get(reverse("department_report", args=["FIN"])).status_code == 403
    assert client.get(reverse("department_competency", args=["FIN", "DA.1"])).status_code == 403
    assert client.get(reverse("department_export", args=["FIN", "csv"])).status_code == 403
    # Even a department that does not exist: a lead learns nothing about other codes.
    assert client.get(reverse("department_report", args=["NOPE"])).status_code == 403
    assert client.get(reverse("organisation_report")).status_code == 403


@pytest.mark.django_db
def test_cto_office_sees_a_department_without_its_names(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(reverse("department_report", args=["CRS"]))

    assert response.status_code == 200
    assert response.context["team"] == []
    assert "Person" not in text(response)
    html = response.content.decode()
    assert heading(html) == "Department skills"
    assert table(html, "Share of people meeting") == [
        ["Competency", "Citizen service officer", "Data analyst", "Whole department"],
        ["DA.1 Data literacy", shown(80, 4, 5, 3), shown(60, 3, 5, 1), shown(70, 7, 10, 4)],
        ["DA.2 Data ethics", "\u2013 Not needed", shown(50, 2, 4, 2), shown(50, 2, 4, 2)],
        ["SP.1 Cyber hygiene", shown(50, 3, 6, 2), shown(75, 3, 4, 2), shown(60, 6, 10, 4)],
    ]
    assert texts(html, "//details/summary") == []


@pytest.mark.django_db
def test_my_department_sends_a_lead_to_their_department(client, organisation):
    client.force_login(organisation.managers["FIN"])

    response = client.get(reverse("my_department_report"))

    assert response.status_code == 302
    assert response.url == "/reports/departments/FIN/"


@pytest.mark.django_db
def test_a_lead_whose_own_figures_protect_another_department_sees_them_hidden(client, organisation):
    # FIN's DA.2 group (2 analysts) is hidden in the organisation's grid; its department page
    # must not show it either, even as the department's total.
    client.force_login(organisation.managers["FIN"])

    response = client.get(reverse("department_report", args=["FIN"]))

    da2 = next(row for row in response.context["grid"].rows if row.code == "DA.2")
    assert da2.total.state == "hidden"
    assert "DA.2" not in [gap.code for gap in response.context["top_gaps"]]


@pytest.mark.django_db
def test_learner_sees_own_levels_with_evidence_and_unknown_apart_from_zero(client, organisation):
    o6 = organisation.people["o6"]
    client.force_login(o6)

    response = client.get(reverse("my_report"))

    assert response.status_code == 200
    rows = {row.competency.code: row for _, rows in response.context["areas"] for row in rows}
    # o6 answered "I don't know" for DA.1 and 1 for SP.1 (target 2).
    assert rows["DA.1"].reported is None
    assert rows["DA.1"].gap is None
    assert [(e.source, e.level) for e in rows["DA.1"].evidence] == [("self-assessment", None)]
    assert (rows["SP.1"].reported, rows["SP.1"].target, rows["SP.1"].gap) == (1, 2, 1)
    assert (response.context["meeting"], response.context["below"]) == (0, 1)
    assert response.context["unknown"] == 1
    html = response.content.decode()
    assert heading(html) == "Your skills report"
    at = rows["DA.1"].evidence[0].occurred_at
    on = f"{at.day} {at:%B %Y}"
    assert table(html, "DA Data") == [
        ["Competency", "Role needs", "Gap", "Your level", "Evidence"],
        [
            "DA.1 Data literacy",
            "1",
            "Unknown",
            "Not yet assessed",
            f'Self-assessment: "I don\'t know", {on}',
        ],
        ["DA.2 Data ethics", "Not needed", "\u2013", "Not yet assessed", "None yet"],
    ]
    assert table(html, "SP Security") == [
        ["Competency", "Role needs", "Gap", "Your level", "Evidence"],
        [
            "SP.1 Cyber hygiene",
            "2",
            "1 below",
            "1 Awareness from a self-assessment",
            f"Self-assessment: level 1, {on}",
        ],
    ]
    assert texts(html, "//main//p") == [
        "Your level in each competency of the Mini framework, what your job role needs, and "
        "every piece of evidence behind the level. Only you see this page.",
        "Of the 2 competencies your role needs: 0 at or above target, 1 below, 1 not yet assessed.",
        "A level counts the strongest evidence first: a passed knowledge check or your line "
        "manager's confirmation, then a completed course, then your own self-assessment. "
        '"Not yet assessed" means there is no evidence yet; it is never counted as level 0.',
        "Update your self-assessment",
    ]


@pytest.mark.django_db
def test_learner_reaches_only_their_own_report(client, organisation):
    client.force_login(organisation.people["o1"])

    assert client.get(reverse("my_report")).status_code == 200
    for url in [
        reverse("organisation_report"),
        reverse("organisation_export", args=["csv"]),
        reverse("department_report", args=["CRS"]),
        reverse("department_competency", args=["CRS", "DA.1"]),
        reverse("my_department_report"),
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_digcomp_view_counts_each_requirement_towards_its_crosswalk_link(client, organisation):
    # Only DA.1 is linked, to DigComp 1.1: the DigComp grid is the DA.1 grid, relabelled.
    client.force_login(organisation.cto)

    response = client.get(reverse("organisation_report") + "?framework=digcomp22")

    grid = response.context["grid"]
    assert [row.code for row in grid.rows] == ["1.1"]
    assert grid.rows[0].made_of == [("DA.1", "/reports/competencies/DA.1/")]
    assert [cell.figures.pct_meeting for cell in grid.rows[0].cells] == [70.0, 500 / 7, 50.0]
    assert response.context["other"] == "digcomp22"


@pytest.mark.django_db
def test_navigation_offers_each_role_its_reports(client, organisation, administrator):
    def menu(user):
        client.force_login(user)
        return [item.label for item in client.get("/reports/me/").context["navigation"]]

    assert "Reports" in menu(organisation.cto)
    assert "Reports" in menu(administrator)
    assert "Reports" in menu(organisation.managers["CRS"])
    # A learner's only report, their own, is reached from their learning.
    assert "Reports" not in menu(organisation.people["o1"])


@pytest.mark.django_db
def test_pages_say_so_when_no_framework_is_published(client, cto_office, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "none"
    client.force_login(cto_office)

    response = client.get(reverse("organisation_report"))

    assert response.status_code == 200
    html = response.content.decode()
    assert heading(html) == "Skills reports"
    assert texts(html, "//main//p") == [
        "No competency framework has been published yet, so there is nothing to report."
    ]
    assert client.get(reverse("organisation_export", args=["csv"])).status_code == 404


@pytest.mark.django_db
def test_trend_shows_once_two_months_are_recorded(client, organisation):
    client.force_login(organisation.cto)
    before = client.get(reverse("organisation_report")).content.decode()
    assert charts_of(before) == [("img", "heatmap-title heatmap-desc")]
    assert texts(before, "//p[contains(., 'No trend yet')]") == [
        "No trend yet. Figures are kept once a month; the trend appears after the second month."
    ]

    snapshot_months(2)  # last month (no evidence yet) and this one
    response = client.get(reverse("organisation_report"))

    trend = response.context["trend"]
    # This month, the department x competency groups the grid shows count (FIN's and TRN's
    # DA.2 are hidden): known levels CRS 10 + 4 + 10, FIN 7 + 7, TRN 4 + 4 = 46; meeting
    # target CRS 7 + 2 + 6, FIN 5 + 5, TRN 2 + 3 = 30. Last month nobody's level was known.
    assert [value for _, value in trend.points] == [None, pytest.approx(100 * 30 / 46)]
    html = response.content.decode()
    assert charts_of(html) == [
        ("img", "heatmap-title heatmap-desc"),
        ("img", "trend-title trend-desc"),
    ]
    [(last_month, _), (this_month, _)] = trend.points
    assert table(html, "Share of people meeting their target level, by month") == [
        ["Month", "Share meeting their target"],
        [last_month, "No figure (group too small or no one assessed)"],
        [this_month, "65%"],
    ]
    assert "No trend yet" not in text(response)


@pytest.mark.django_db
def test_unknown_competency_or_department_is_not_found(client, organisation):
    client.force_login(organisation.cto)

    assert client.get(reverse("organisation_competency", args=["XX.9"])).status_code == 404
    assert client.get(reverse("department_competency", args=["CRS", "XX.9"])).status_code == 404
    assert client.get(reverse("department_report", args=["NOPE"])).status_code == 404
    url = reverse("department_competency", args=["CRS", "DA.1"]) + "?job_role=nobody"
    assert client.get(url).status_code == 404


def cell(state, url=None, **figures):
    return Cell(state, Figures(**figures), url)


def test_each_kind_of_cell_says_what_it_is_in_words():
    shown = cell(
        "shown", "/reports/x/?job_role=a&b", pct_meeting=70.0, meeting=7, known=10, unknown=4
    )
    assert gap_cell(shown) == (
        '<a class="govuk-link" href="/reports/x/?job_role=a&amp;b">70%<span '
        'class="govuk-visually-hidden"> meet their target: see the evidence</span></a><br>'
        "7 of 10 assessed meet their target<br>4 not yet assessed"
    )
    assert gap_cell(cell("shown", pct_meeting=85.0, meeting=17, known=20, unknown=0)) == (
        "85%<br>17 of 20 assessed meet their target"
    )
    assert text_of(gap_cell(cell("shown", pct_meeting=0.4, meeting=1, known=250, unknown=2))) == (
        "Fewer than 1% 1 of 250 assessed meet their target 2 not yet assessed"
    )
    assert text_of(gap_cell(cell("hidden", "/r/"))) == "Hidden small group"
    assert "/r/" not in gap_cell(cell("hidden", "/r/"))  # a hidden group has no evidence link
    assert gap_cell(cell("no data", "/r/", people=6, known=0)) == (
        '<a class="govuk-link" href="/r/">No one assessed yet</a><br>6 not yet assessed'
    )
    assert gap_cell(cell("not needed")) == (
        '<span aria-hidden="true">\u2013</span>'
        '<span class="govuk-visually-hidden">Not needed</span>'
    )


@pytest.mark.django_db
def test_a_second_visit_draws_no_chart(client, organisation, monkeypatch):
    snapshot_months(2)
    client.force_login(organisation.cto)
    first = client.get(reverse("organisation_report"))
    assert first.context["trend"] is not None
    assert first.context["grid"].svg

    drawn = []
    for name in ("heatmap_svg", "trend_svg"):
        monkeypatch.setattr(charts, name, lambda name=name, **_: drawn.append(name) or "<svg/>")
    again = client.get(reverse("organisation_report"))

    assert drawn == []
    assert without_csrf_token(again) == without_csrf_token(first)


def without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.mark.django_db
def test_the_cto_office_sees_a_department_without_reading_everyones_rows(
    client, organisation, monkeypatch
):
    # The frames of every person's levels grow with the organisation; a department's page
    # needs them only for a lead's own direct reports.
    client.force_login(organisation.cto)
    url = reverse("department_report", args=["CRS"])
    assert client.get(url).status_code == 200  # the reports are computed and cached

    def refuse():
        raise AssertionError("the report inputs were read")

    monkeypatch.setattr(store_frames, "report_inputs", refuse)
    response = client.get(url)

    assert response.status_code == 200
    assert table(response.content.decode(), "Share of people meeting")[1] == [
        "DA.1 Data literacy",
        shown(80, 4, 5, 3),
        shown(60, 3, 5, 1),
        shown(70, 7, 10, 4),
    ]
