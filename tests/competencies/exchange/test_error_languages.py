"""A refused framework file is explained in the reader's language, naming the line and the
column; the summary of an import and the commands speak the same language."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from wagtail.users.models import UserProfile

from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.files import framework_export, framework_import
from competencies.models import Framework
from tests.competencies.exchange.conftest import edit_csv, row_counts
from tests.html import texts

EXCHANGE = "/cms/competencies/exchange/"
NBSP = "\u00a0"
APOS = "\u2019"  # the typographic apostrophe of French text

SHARED = ("training_lead", "requirements")


def broken_csv(framework) -> str:
    text = framework_export(framework, file_format="csv").text
    return edit_csv(edit_csv(text, 8, "Role", "Astronaut"), 12, "Level number", "x")


def test_a_bad_csv_is_refused_in_french_naming_each_line(framework, requirements):
    before = row_counts()

    with translation.override("fr"), pytest.raises(ImportRefused) as refused:
        framework_import(broken_csv(framework), file_format="csv", version="2.0")

    assert refused.value.errors == [
        RowError(8, "Role", "fonction inconnue 'Astronaut'"),
        RowError(12, "Level number", f"'x' n{APOS}est pas un nombre entier"),
    ]
    assert str(refused.value) == (
        f"Le fichier a été refusé{NBSP}: ligne 8, Role: fonction inconnue 'Astronaut'; "
        f"ligne 12, Level number: 'x' n{APOS}est pas un nombre entier"
    )
    assert row_counts() == before


def test_the_same_file_is_refused_in_spanish_and_arabic(framework, requirements):
    errors = {}
    for language in ("es", "ar"):
        with translation.override(language), pytest.raises(ImportRefused) as refused:
            framework_import(broken_csv(framework), file_format="csv", version="2.0")
        errors[language] = [error.message for error in refused.value.errors]

    assert errors == {
        "es": ["puesto desconocido 'Astronaut'", "'x' no es un número entero"],
        "ar": ["وظيفة غير معروفة 'Astronaut'", "'x' ليس عددًا صحيحًا"],
    }


def test_an_upload_in_the_french_cms_lists_the_problems_in_french(
    client, training_lead, framework, requirements
):
    profile = UserProfile.get_for_user(training_lead)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(training_lead)

    response = client.post(
        EXCHANGE,
        {
            "file": SimpleUploadedFile("broken.csv", broken_csv(framework).encode()),
            "file_format": "",
            "version": "2.0",
        },
    )

    assert texts(response.content, "//*[@id='import-errors']//li") == [
        "Ligne 8, Role: fonction inconnue 'Astronaut'",
        f"Ligne 12, Level number: 'x' n{APOS}est pas un nombre entier",
    ]


def test_a_missing_column_and_a_nul_character_are_explained_in_french(db):
    with translation.override("fr"), pytest.raises(ImportRefused) as missing:
        framework_import("Role,Skill\r\n,Data\r\n", file_format="csv", name="N", version="1")
    with translation.override("fr"), pytest.raises(ImportRefused) as nul:
        framework_import("Role,Skill\r\n\x00\r\n", file_format="csv", name="N", version="1")
    with translation.override("fr"):
        shown = [str(error) for error in missing.value.errors]

    assert shown == [
        f"ligne 1, {column}: colonne obligatoire manquante"
        for column in (
            "Role family",
            "Role level",
            "Skill description",
            "Skill level",
            "Level description",
        )
    ]
    assert nul.value.errors == [
        RowError(
            2,
            "",
            f"contient un caractère NUL{NBSP}: s{APOS}agit-il bien d{APOS}un fichier CSV{NBSP}?",
        )
    ]


def test_the_import_summary_reads_in_french_with_singular_and_plural_counts(framework):
    text = framework_export(framework, file_format="csv").text

    with translation.override("fr"):
        imported = framework_import(text, file_format="csv", version="2.0")
        summary = imported.summary()

    counts = imported.counts
    assert summary.startswith(f"{imported.framework} ({imported.framework.slug}) importé{NBSP}: ")
    assert summary == (
        f"{imported.framework} ({imported.framework.slug}) importé{NBSP}: "
        f"{counts['levels']} niveaux, {counts['areas']} domaines, "
        f"{counts['competencies']} compétences, {counts['descriptors']} descripteurs, "
        f"{counts['crosswalk links']} correspondances, "
        f"{counts['role requirements']} exigences de fonction."
    )


def test_framework_statuses_read_in_french(db):
    with translation.override("fr"):
        assert [str(label) for _value, label in Framework.Status.choices] == [
            "Brouillon",
            "Publié",
        ]


def test_a_case_package_is_refused_in_arabic_naming_the_json_path(framework):
    package = json.loads(framework_export(framework, file_format="case").text)
    package["CFItems"][1]["fullStatement"] = ""
    package["CFDocument"]["adoptionStatus"] = "Retired"

    with translation.override("ar"), pytest.raises(ImportRefused) as refused:
        framework_import(json.dumps(package), file_format="case", version="2.0")

    assert refused.value.errors == [
        RowError(
            None, "CFDocument.adoptionStatus", "'Retired' ليست من القيم المقبولة: Draft، Adopted"
        ),
        RowError(None, "CFItems[1].fullStatement", "مطلوب"),
    ]
