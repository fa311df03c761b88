"""The skills reports name the framework, its competencies and its areas in the reader's
language (the framework's own text where a language is missing), while codes and figures stay
as they are and the cached reports stay the same for every reader."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from analytics.exports.report_files import pack_html
from analytics.reports.assembly import skill_gap_report
from analytics.views.common import in_reader_language
from competencies.models import Area, Competency, Framework, ProficiencyLevel
from tests.analytics.scenario import THRESHOLD
from tests.html import heading, table, texts, tree

# The mini framework's text in French and Arabic, as an administrator would enter it.
COMPETENCY_TITLES = {
    "fr": {
        "DA.1": "Culture des données",
        "DA.2": "Éthique des données",
        "SP.1": "Hygiène numérique",
    },
    "ar": {"DA.1": "الإلمام بالبيانات", "DA.2": "أخلاقيات البيانات", "SP.1": "السلامة الرقمية"},
}
AREA_TITLES = {"fr": {"DA": "Données", "SP": "Sécurité"}, "ar": {"DA": "البيانات", "SP": "الأمن"}}
FRAMEWORK_NAMES = {"fr": "Mini-référentiel", "ar": "الإطار المصغّر"}
ENGLISH = {"DA.1": "Data literacy", "DA.2": "Data ethics", "SP.1": "Cyber hygiene"}


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organisation(shared_organisation, settings):
    """The scenario's organisation, its framework translated into French and Arabic (Spanish
    left out: it reads in the framework's own words)."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    for competency in Competency.objects.filter(framework__slug="mini"):
        competency.translations = {
            language: {"title": titles[competency.code]}
            for language, titles in COMPETENCY_TITLES.items()
        }
        competency.save(update_fields=["translations"])
    for area in Area.objects.filter(framework__slug="mini"):
        area.translations = {
            language: {"title": titles[area.code]} for language, titles in AREA_TITLES.items()
        }
        area.save(update_fields=["translations"])
    Framework.objects.filter(slug="mini").update(
        translations={language: {"name": name} for language, name in FRAMEWORK_NAMES.items()}
    )
    return shared_organisation


def at(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def expected_titles(language: str) -> dict[str, str]:
    """The framework's own translations, read from the framework."""
    return {
        competency.code: competency.translated("title", language)
        for competency in Competency.objects.filter(framework__slug="mini")
    }


def grid_labels(response) -> list[tuple[str, str]]:
    return [(row.code, row.title) for row in response.context["grid"].rows]


def table_labels(body: str, caption: str) -> list[str]:
    return [row[0] for row in table(body, caption)[1:]]


def expected_labels(rows: list[tuple[str, str]], titles: dict[str, str]) -> list[str]:
    return [f"{code} {titles[code]}" for code, _ in rows]


FR_GRID = "Part des personnes atteignant leur niveau visé"
AR_GRID = "نسبة الأشخاص الذين يبلغون مستواهم المستهدف"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "caption"), [("fr", FR_GRID), ("ar", AR_GRID)])
def test_organisation_report_names_competencies_in_the_readers_language(
    client, organisation, language, caption
):
    client.force_login(organisation.cto)
    skill_gap_report()  # cached in English first: the reader's words are not the cache's

    response = client.get(at(language, "organisation_report"))
    body = response.content.decode()

    titles = expected_titles(language)
    assert titles == COMPETENCY_TITLES[language]
    rows = grid_labels(response)
    assert [code for code, _ in rows] == ["DA.1", "DA.2", "SP.1"]
    assert rows == [(code, titles[code]) for code, _ in rows]
    assert table_labels(body, caption) == expected_labels(rows, titles)
    assert [(gap.code, gap.title) for gap in response.context["top_gaps"]] == [
        (gap.code, titles[gap.code]) for gap in response.context["top_gaps"]
    ]
    assert response.context["top_gaps"]
    assert response.context["report"].framework["name"] == FRAMEWORK_NAMES[language]
    assert f"<bdi>{FRAMEWORK_NAMES[language]}</bdi>" in body
    # The cached report keeps the framework's own words for the next reader.
    cached = skill_gap_report()
    assert cached.framework["name"] == "Mini framework"
    assert (
        dict(zip(cached.competencies["competency"], cached.competencies["title"], strict=True))
        == ENGLISH
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "caption"), [("fr", FR_GRID), ("ar", AR_GRID)])
def test_department_report_names_competencies_in_the_readers_language(
    client, organisation, language, caption
):
    client.force_login(organisation.managers["CRS"])

    response = client.get(at(language, "department_report", "CRS"))
    body = response.content.decode()

    titles = COMPETENCY_TITLES[language]
    rows = grid_labels(response)
    assert rows
    assert rows == [(code, titles[code]) for code, _ in rows]
    assert table_labels(body, caption) == expected_labels(rows, titles)
    # The lead's own team reads the same titles.
    team_titles = {
        (row.code, row.title) for person in response.context["team"] for row in person.rows
    }
    assert team_titles
    assert team_titles == {(code, titles[code]) for code, _ in team_titles}


@pytest.mark.django_db
def test_competency_page_names_the_competency_in_the_readers_language(client, organisation):
    client.force_login(organisation.cto)

    french = client.get(at("fr", "organisation_competency", "DA.1")).content.decode()
    arabic = client.get(at("ar", "department_competency", "CRS", "DA.1"))

    assert heading(french) == "DA.1 Culture des données"
    assert arabic.context["competency"]["title"] == "الإلمام بالبيانات"
    assert arabic.context["competency"]["area_title"] == "البيانات"
    assert tree(arabic.content).xpath("//h1/bdi/text()") == ["DA.1"]


@pytest.mark.django_db
def test_french_csv_has_french_titles_beside_unchanged_codes(client, organisation):
    client.force_login(organisation.cto)

    body = client.get(at("fr", "organisation_export", "csv")).content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert rows
    titles = COMPETENCY_TITLES["fr"]
    assert [(row[2], row[3]) for row in rows] == [(row[2], titles[row[2]]) for row in rows]
    assert {row[2] for row in rows} == {"DA.1", "DA.2", "SP.1"}
    assert {row[4] for row in rows} == {"DA", "SP"}  # area codes, unchanged


@pytest.mark.django_db
def test_arabic_xlsx_names_the_framework_and_competencies_in_arabic(client, organisation):
    client.force_login(organisation.cto)

    book = load_workbook(io.BytesIO(client.get(at("ar", "organisation_export", "xlsx")).content))

    summary = {row[0]: row[1] for row in book["الملخص"].iter_rows(values_only=True) if row[0]}
    assert summary["الإطار"] == FRAMEWORK_NAMES["ar"]
    data = list(book["البيانات"].iter_rows(values_only=True))[1:]
    titles = COMPETENCY_TITLES["ar"]
    assert [(row[2], row[3]) for row in data] == [(row[2], titles[row[2]]) for row in data]


@pytest.mark.django_db
def test_spanish_reads_the_frameworks_own_words(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(at("es", "organisation_report"))

    rows = grid_labels(response)
    assert rows == [(code, ENGLISH[code]) for code, _ in rows]
    assert response.context["report"].framework["name"] == "Mini framework"


@pytest.mark.django_db
def test_english_report_is_unchanged(client, organisation):
    client.force_login(organisation.cto)

    response = client.get(reverse("organisation_report"))
    body = response.content.decode()

    assert grid_labels(response) == list(ENGLISH.items())
    assert table_labels(body, "Share of people meeting their target level") == [
        "DA.1 Data literacy",
        "DA.2 Data ethics",
        "SP.1 Cyber hygiene",
    ]
    assert "<bdi>Mini framework</bdi>" in body
    assert re.search(r"Data literacy", body)
    assert texts(body, "//h1") == ["Skills reports"]


@pytest.mark.django_db
def test_competency_page_names_levels_in_the_readers_language(client, organisation):
    for level in ProficiencyLevel.objects.filter(framework__slug="mini"):
        level.translations = {"fr": {"name": f"Niveau {level.number}"}}
        level.save(update_fields=["translations"])
    client.force_login(organisation.cto)

    response = client.get(at("fr", "organisation_competency", "DA.1"))

    assert response.context["distribution"].levels
    assert [name for _, name, _ in response.context["distribution"].levels] == [
        f"Niveau {number}" for number, _, _ in response.context["distribution"].levels
    ]


@pytest.mark.django_db
def test_other_framework_view_names_its_competencies_in_the_readers_language(client, organisation):
    Competency.objects.filter(framework__slug="digcomp22", code="1.1").update(
        translations={"fr": {"title": "Naviguer, rechercher et filtrer des données"}}
    )
    client.force_login(organisation.cto)

    english = client.get(reverse("organisation_report") + "?framework=digcomp22")
    french = client.get(at("fr", "organisation_report") + "?framework=digcomp22")

    assert grid_labels(french) == [("1.1", "Naviguer, rechercher et filtrer des données")]
    assert grid_labels(english) == [("1.1", "Browsing, searching and filtering data")]


@pytest.mark.django_db
def test_report_pack_names_the_framework_and_competencies_in_the_readers_language(
    organisation,
):
    with translation.override("ar"):
        report, _ = in_reader_language(skill_gap_report())
        body = pack_html(report, scope_name="الكل")

    titles = COMPETENCY_TITLES["ar"]
    rows = [row for row in texts(body, "//table//th[@scope='row']") if row[:2] in {"DA", "SP"}]
    assert rows
    assert rows == [f"{row.split(' ', 1)[0]} {titles[row.split(' ', 1)[0]]}" for row in rows]
    assert f"<bdi>{FRAMEWORK_NAMES['ar']}</bdi>" in body
