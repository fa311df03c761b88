"""Framework text in the reader's language: translated titles, levels and descriptors on the
pages, the source text where a translation is missing, and the demo framework in four
languages."""

import pytest
from django.utils import translation

import content_fixtures
from competencies import selectors
from competencies.models import Framework
from competencies.services import framework_load
from tests.competencies.exchange.test_languages import multilingual
from tests.html import heading, summary, texts


@pytest.fixture
def translated(db):
    Framework.objects.all().delete()
    return framework_load(multilingual())


def test_framework_page_in_french_shows_translations_and_the_source_where_missing(
    client, translated
):
    html = client.get("/fr/frameworks/mini/").content.decode()

    assert heading(html) == "Mini-référentiel"
    assert texts(html, "//main//h2") == ["Niveaux de maîtrise", "DA Données", "SP Security"]
    assert texts(html, "//main//ul/li/a") == [
        "DA.1 Culture des données",
        "DA.2 Data ethics",
        "SP.1 Cyber hygiene",
    ]
    assert summary(html) == {
        "Publié par": "Test publisher",
        "Source": "Written for tests",
        "Licence": "CC BY 4.0",
        "0 Not yet": "No evidence yet.",
        "1 Sensibilisation": "Connaît l'idée.",
        "2 Working": "Applies it in routine work.",
        "3 Practitioner": "Handles the unusual.",
        "4 Expert": "Sets direction.",
    }


def test_competency_page_in_arabic_shows_translated_title_levels_and_descriptors(
    client, translated
):
    html = client.get("/ar/frameworks/mini/DA.1/").content.decode()

    assert heading(html) == "DA.1 الإلمام بالبيانات"
    assert summary(html) == {
        "0 Not yet": "غير موصوف لهذه الكفاءة.",
        "1 الوعي": "يقرأ رسمًا بيانيًا.",
        "2 Working": "Builds a chart.",
        "3 Practitioner": "Designs a dashboard.",
        "4 Expert": "Sets data strategy.",
    }


def test_framework_list_in_spanish_falls_back_to_the_source_name(client, translated):
    html = client.get("/es/frameworks/").content.decode()

    assert texts(html, "//main//h2") == ["Mini framework"]
    assert texts(html, "//main//h1") == ["Marcos de competencias"]


def test_english_pages_are_unchanged(client, translated):
    html = client.get("/frameworks/mini/").content.decode()

    assert texts(html, "//main//h2") == ["Proficiency levels", "DA Data", "SP Security"]


def test_level_names_for_reports_follow_the_active_language(translated):
    with translation.override("ar"):
        arabic = selectors.level_names(translated)
    with translation.override("en-gb"):
        english = selectors.level_names(translated)

    assert arabic == {0: "Not yet", 1: "الوعي", 2: "Working", 3: "Practitioner", 4: "Expert"}
    assert english == {
        0: "Not yet",
        1: "Awareness",
        2: "Working",
        3: "Practitioner",
        4: "Expert",
    }


def test_a_competency_reads_in_the_active_language_else_the_source(translated):
    competency = translated.competencies.get(code="DA.1")

    with translation.override("fr"):
        assert competency.translated("title") == "Culture des données"
    with translation.override("es"):
        assert competency.translated("title") == "Data literacy"
    assert competency.translated("description", "ar") == "Questioning and using data."


def test_translations_naming_an_unknown_language_or_field_are_refused(db):
    from django.core.exceptions import ValidationError

    data = multilingual()
    data["translations"] = {"de": {"name": "Mini-Rahmen"}, "fr": {"slug": "x"}}

    with pytest.raises(ValidationError) as refused:
        framework_load(data)

    assert refused.value.message_dict == {
        "translations": [
            "'de' is not a language of this service (use en-gb, fr, es, ar).",
            "'slug' cannot be translated here (use name, description).",
        ]
    }


PRIMARY = "frameworks/people-centred-digital-capacity"


def _missing(texts_by_language: dict, fields: tuple[str, ...], where: str) -> list[str]:
    return [
        f"{where} {language} {field}"
        for language in ("fr", "es", "ar")
        for field in fields
        if not (texts_by_language.get(language) or {}).get(field, "").strip()
    ]


def test_the_demo_framework_is_complete_in_four_languages():
    data = content_fixtures.read(PRIMARY)
    missing = _missing(data.get("translations", {}), ("name", "description"), "framework")
    for level in data["levels"]:
        missing += _missing(
            level.get("translations", {}), ("name", "description"), f"level {level['number']}"
        )
    for area in data["areas"]:
        missing += _missing(area.get("translations", {}), ("title", "description"), area["code"])
        for competency in area["competencies"]:
            code = competency["code"]
            missing += _missing(competency.get("translations", {}), ("title", "description"), code)
            in_other = competency.get("descriptor_translations", {})
            for level in competency["descriptors"]:
                texts_at = {
                    language: {"text": text} for language, text in in_other.get(level, {}).items()
                }
                missing += _missing(texts_at, ("text",), f"{code} level {level}")

    assert missing == []


def test_loading_the_demo_framework_again_writes_nothing(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    framework_load(content_fixtures.read("frameworks/digcomp-2-2"))
    framework_load(content_fixtures.read(PRIMARY))
    with CaptureQueriesContext(connection) as queries:
        framework = framework_load(content_fixtures.read(PRIMARY))
    tables = ("area", "competency", "leveldescriptor", "crosswalklink")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        and any(f'"competencies_{table}"' in q["sql"].split("SET")[0] for table in tables)
    ]

    # Areas, competencies and descriptors with their translations are saved only when they
    # differ (the framework row and its scale are always rewritten).
    assert writes == []
    with translation.override("ar"):
        assert framework.translated("name") == "إطار الكفاءات للقدرات الرقمية المتمحورة حول الإنسان"
        assert selectors.level_names(framework) == {
            0: "ليس بعد",
            1: "الوعي",
            2: "الممارسة",
            3: "الإتقان",
            4: "الخبير",
        }


def test_titles_by_code_for_reports_follow_the_active_language(translated):
    with translation.override("fr"):
        competencies = selectors.competency_titles(translated)
        areas = selectors.area_titles(translated)

    assert competencies == {
        "DA.1": "Culture des données",
        "DA.2": "Data ethics",
        "SP.1": "Cyber hygiene",
    }
    assert areas == {"DA": "Données", "SP": "Security"}
