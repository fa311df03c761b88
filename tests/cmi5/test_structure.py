"""Reading cmi5.xml: what a good structure becomes, and each way a bad one is refused."""

from decimal import Decimal

import pytest

from cmi5.structure import AuSpec, BlockSpec, course_structure_parse
from packages.errors import PackageRejected
from tests.cmi5.builders import BASE, au, block, structure, text

OBJECTIVES = (
    f'<objectives><objective id="{BASE}/objective/o1">'
    f"{text('title', 'Objective one')}{text('description', 'Why')}</objective></objectives>"
)


def test_a_structure_becomes_blocks_and_aus_in_document_order_with_trimmed_values():
    xml = structure(
        block(
            "b1",
            au(
                "a1",
                url="  index.html?lang=en  ",
                move_on="CompletedAndPassed",
                mastery="0.8",
                launch_parameters="  level=2  ",
                entitlement_key=" licence-7 ",
                extra=f'<objectives><objective idref="{BASE}/objective/o1"/></objectives>',
            ),
        ),
        au("a2", url="https://cdn.example.org/a2/index.html", move_on="NotApplicable"),
        objectives=OBJECTIVES,
    )

    course = course_structure_parse(xml, in_zip=True, zip_names=frozenset({"index.html"}))

    first = AuSpec(
        publisher_id=f"{BASE}/au/a1",
        title="AU a1",
        description="About a1",
        url="index.html?lang=en",
        move_on="CompletedAndPassed",
        mastery_score=Decimal("0.8"),
        launch_method="AnyWindow",
        launch_parameters="level=2",
        entitlement_key="licence-7",
        activity_type="",
        objective_ids=[f"{BASE}/objective/o1"],
    )
    second = AuSpec(
        publisher_id=f"{BASE}/au/a2",
        title="AU a2",
        description="About a2",
        url="https://cdn.example.org/a2/index.html",
        move_on="NotApplicable",
        mastery_score=None,
        launch_method="AnyWindow",
        launch_parameters="",
        entitlement_key="",
        activity_type="",
        objective_ids=[],
    )
    assert (course.publisher_id, course.title, course.objectives) == (
        f"{BASE}/course/one",
        "Course one",
        {f"{BASE}/objective/o1": "Objective one"},
    )
    assert course.children == [
        BlockSpec(
            publisher_id=f"{BASE}/block/b1",
            title="Block b1",
            description="About b1",
            objective_ids=[],
            children=[first],
        ),
        second,
    ]
    assert course.aus() == [first, second]


def test_a_standalone_structure_takes_fully_qualified_urls():
    xml = structure(au("a1", url="https://cdn.example.org/a1/index.html"))

    course = course_structure_parse(xml, in_zip=False)

    assert [each.url for each in course.aus()] == ["https://cdn.example.org/a1/index.html"]


BAD = [
    pytest.param(b"<courseStructure", "The cmi5.xml is not well-formed XML", id="not-xml"),
    pytest.param(
        structure(au("a1").replace('moveOn="CompletedOrPassed"', 'moveOn="Sometimes"')),
        "The cmi5.xml does not follow the cmi5 course structure schema",
        id="schema",
    ),
    pytest.param(
        structure(au("a1"), course_id="example.org/course/one"),
        "The course id must be an IRI (such as https://...): 'example.org/course/one'.",
        id="course-id-not-iri",
    ),
    pytest.param(
        structure(block("b1", au("a1")).replace(f"{BASE}/block/b1", "block-b1")),
        "A block id must be an IRI (such as https://...): 'block-b1'.",
        id="block-id-not-iri",
    ),
    pytest.param(
        structure(au("a1").replace(f"{BASE}/au/a1", "au-a1")),
        "An AU id must be an IRI (such as https://...): 'au-a1'.",
        id="au-id-not-iri",
    ),
    pytest.param(
        structure(au("a1"), objectives=OBJECTIVES.replace(f"{BASE}/objective/o1", "o1")),
        "An objective id must be an IRI (such as https://...): 'o1'.",
        id="objective-id-not-iri",
    ),
    pytest.param(
        structure(
            au("a1"),
            objectives=OBJECTIVES.replace("</objectives>", "")
            + OBJECTIVES.replace("<objectives>", ""),
        ),
        f"The id {BASE}/objective/o1 is used twice; ids in a course must be unique.",
        id="duplicate-objective",
    ),
    pytest.param(
        structure(au("a1"), au("a1")),
        f"The id {BASE}/au/a1 is used twice; ids in a course must be unique.",
        id="duplicate-au",
    ),
    pytest.param(
        structure(block("b1", au("a1")), block("b1", au("a2"))),
        f"The id {BASE}/block/b1 is used twice; ids in a course must be unique.",
        id="duplicate-block",
    ),
    pytest.param(
        structure(
            au("a1", extra=f'<objectives><objective idref="{BASE}/objective/none"/></objectives>')
        ),
        f"The objective '{BASE}/objective/none' is referred to but not defined.",
        id="undefined-objective",
    ),
    pytest.param(
        structure(au("a1", url="index.html?endpoint=https://lrs.example.org")),
        f"The URL of AU {BASE}/au/a1 sets endpoint, which the launch itself sets.",
        id="launch-parameter-clash",
    ),
    pytest.param(
        structure(au("a1", url="https://example.org/a b.html")),
        f"The URL of AU {BASE}/au/a1 is not a valid URL: 'https://example.org/a b.html'.",
        id="url-with-space",
    ),
    pytest.param(
        structure(au("a1", url="ftp://example.org/a.html")),
        f"The URL of AU {BASE}/au/a1 is not a web address: 'ftp://example.org/a.html'.",
        id="url-not-web",
    ),
]


@pytest.mark.parametrize(("xml", "message"), BAD)
def test_a_bad_structure_is_refused_saying_why(xml, message):
    with pytest.raises(PackageRejected) as refused:
        course_structure_parse(xml, in_zip=True, zip_names=frozenset({"index.html"}))

    assert refused.value.message.startswith(message)


def test_a_relative_url_needs_the_zip_that_holds_the_file():
    xml = structure(au("a1", url="index.html"))

    with pytest.raises(PackageRejected) as standalone:
        course_structure_parse(xml, in_zip=False)
    with pytest.raises(PackageRejected) as missing:
        course_structure_parse(xml, in_zip=True, zip_names=frozenset({"other.html"}))

    assert standalone.value.message == (
        f"AU {BASE}/au/a1 has the relative URL 'index.html': a course structure uploaded on its "
        "own must give every AU a full URL (https://...). Upload the zip that holds the files."
    )
    assert missing.value.message == (
        f"AU {BASE}/au/a1 launches 'index.html', which is not a file in the package."
    )
