"""The vocabulary: ADL IRIs as published, the site's own IRIs under SITE_URL."""

import uuid

import pytest

from xapi import vocab
from xapi.client import verb

# Each constant beside the IRI its publisher gives, copied from the ADL and cmi5 vocabularies.
ADL_VERBS = [
    (vocab.VERB_REGISTERED, "http://adlnet.gov/expapi/verbs/registered"),
    (vocab.VERB_EXPERIENCED, "http://adlnet.gov/expapi/verbs/experienced"),
    (vocab.VERB_ANSWERED, "http://adlnet.gov/expapi/verbs/answered"),
    (vocab.VERB_PASSED, "http://adlnet.gov/expapi/verbs/passed"),
    (vocab.VERB_FAILED, "http://adlnet.gov/expapi/verbs/failed"),
    (vocab.VERB_COMPLETED, "http://adlnet.gov/expapi/verbs/completed"),
    (vocab.VERB_PROGRESSED, "http://adlnet.gov/expapi/verbs/progressed"),
    (vocab.VERB_LAUNCHED, "http://adlnet.gov/expapi/verbs/launched"),
    (vocab.VERB_INITIALIZED, "http://adlnet.gov/expapi/verbs/initialized"),
    (vocab.VERB_TERMINATED, "http://adlnet.gov/expapi/verbs/terminated"),
    (vocab.VERB_VOIDED, "http://adlnet.gov/expapi/verbs/voided"),
    (vocab.VERB_SATISFIED, "https://w3id.org/xapi/adl/verbs/satisfied"),
    (vocab.VERB_ABANDONED, "https://w3id.org/xapi/adl/verbs/abandoned"),
    (vocab.VERB_WAIVED, "https://w3id.org/xapi/adl/verbs/waived"),
]
LESSON = uuid.UUID("33333333-4444-4555-8666-777777777777")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://academy.example.gov"


@pytest.mark.parametrize(("constant", "published"), ADL_VERBS)
def test_adl_verbs_are_the_published_iris(constant, published):
    assert constant == published


@pytest.mark.parametrize(
    ("constant", "kind"),
    [
        (vocab.ACTIVITY_TYPE_COURSE, "course"),
        (vocab.ACTIVITY_TYPE_MODULE, "module"),
        (vocab.ACTIVITY_TYPE_LESSON, "lesson"),
        (vocab.ACTIVITY_TYPE_ASSESSMENT, "assessment"),
        (vocab.ACTIVITY_TYPE_INTERACTION, "cmi.interaction"),
    ],
)
def test_activity_types_are_the_adl_iris(constant, kind):
    assert constant == f"http://adlnet.gov/expapi/activities/{kind}"


def test_site_iris_are_under_the_site_url():
    assert vocab.verb_validated() == "https://academy.example.gov/xapi/verbs/validated"
    assert (
        vocab.category_self_assessment()
        == "https://academy.example.gov/xapi/categories/self-assessment"
    )
    assert (
        vocab.extension_level_claimed()
        == "https://academy.example.gov/xapi/extensions/result/level"
    )
    assert (
        vocab.extension_progress() == "https://academy.example.gov/xapi/extensions/result/progress"
    )


def test_site_iris_follow_a_changed_site_url(settings):
    settings.SITE_URL = "https://learning.city.example.gov/"

    assert vocab.verb_validated() == "https://learning.city.example.gov/xapi/verbs/validated"
    assert vocab.activity_iri("lesson", LESSON) == (
        f"https://learning.city.example.gov/xapi/activities/lesson/{LESSON}"
    )


def test_activity_iri_is_built_from_the_stable_uuid():
    expected = f"https://academy.example.gov/xapi/activities/lesson/{LESSON}"

    assert vocab.activity_iri("lesson", LESSON) == expected
    assert vocab.activity_iri("lesson", str(LESSON).upper()) == expected


@pytest.mark.parametrize("stable_id", ["reading-a-table", "/courses/data/reading-a-table/"])
def test_activity_iri_refuses_slugs_and_urls(stable_id):
    with pytest.raises(ValueError, match="badly formed"):
        vocab.activity_iri("lesson", stable_id)


@pytest.mark.parametrize("kind", ["Lesson", "", "lesson/../course"])
def test_activity_iri_refuses_a_kind_that_is_not_a_lower_case_word(kind):
    with pytest.raises(ValueError, match="lower-case word"):
        vocab.activity_iri(kind, LESSON)


@pytest.mark.parametrize("verb_id", [*(iri for iri, _ in ADL_VERBS), "validated"])
def test_every_verb_has_an_en_gb_display(verb_id):
    verb_id = vocab.verb_validated() if verb_id == "validated" else verb_id

    display = vocab.verb_display(verb_id)

    assert list(display) == ["en-GB"]
    assert display["en-GB"]


def test_verb_display_refuses_a_verb_outside_the_vocabulary():
    with pytest.raises(KeyError):
        vocab.verb_display("http://adlnet.gov/expapi/verbs/mastered")


def test_verb_builds_a_tincan_verb_with_its_display():
    assert verb(vocab.VERB_INITIALIZED).as_version("1.0.3") == {
        "id": "http://adlnet.gov/expapi/verbs/initialized",
        "display": {"en-GB": "initialised"},
    }
