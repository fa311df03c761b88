"""Importing cmi5 packages through the platform's import path: rows saved, or nothing at all."""

import io
import time

import pytest

from cmi5.models import AssignableUnit, Block, Course
from cmi5.selectors import package_aus
from packages.errors import PackageRejected
from packages.models import Package
from packages.services import package_import
from tests.cmi5.builders import BASE, au, block, structure, zipped


@pytest.mark.django_db
def test_a_zip_becomes_a_course_with_its_blocks_and_aus_in_order(course_package):
    course = Course.objects.get(package=course_package)

    assert (course_package.kind, course_package.title, course.publisher_id) == (
        Package.Kind.CMI5,
        "Course one",
        f"{BASE}/course/one",
    )
    assert list(Block.objects.filter(course=course).values_list("publisher_id", "parent")) == [
        (f"{BASE}/block/b1", None)
    ]
    assert [
        (
            unit.position,
            unit.publisher_id,
            unit.block.publisher_id if unit.block else None,
            unit.url,
            unit.move_on,
            unit.mastery_score and str(unit.mastery_score),
        )
        for unit in package_aus(course_package)
    ] == [
        (
            0,
            f"{BASE}/au/a1",
            f"{BASE}/block/b1",
            "index.html?lang=en",
            "CompletedAndPassed",
            "0.800000",
        ),
        (1, f"{BASE}/au/a2", None, "two.html", "Completed", None),
    ]


@pytest.mark.django_db
def test_nested_blocks_keep_their_parents(import_course):
    package = import_course(structure(block("outer", block("inner", au("a1")), au("a2"))))

    blocks = Block.objects.filter(course__package=package).select_related("parent")
    assert sorted((b.publisher_id, b.parent and b.parent.publisher_id) for b in blocks) == [
        (f"{BASE}/block/inner", f"{BASE}/block/outer"),
        (f"{BASE}/block/outer", None),
    ]
    assert [(u.publisher_id, u.block.publisher_id) for u in package_aus(package)] == [
        (f"{BASE}/au/a1", f"{BASE}/block/inner"),
        (f"{BASE}/au/a2", f"{BASE}/block/outer"),
    ]


@pytest.mark.django_db
def test_a_standalone_structure_with_full_urls_imports_without_files(import_course):
    package = import_course(
        structure(au("a1", url="https://cdn.example.org/a1.html")), standalone=True
    )

    assert (package.content_root, [u.url for u in package_aus(package)]) == (
        "",
        ["https://cdn.example.org/a1.html"],
    )


@pytest.mark.django_db
def test_a_thousand_aus_import_in_a_few_inserts(import_course, django_assert_max_num_queries):
    xml = structure(*(au(f"a{n}", url=f"https://cdn.example.org/{n}.html") for n in range(1200)))

    started = time.perf_counter()
    with django_assert_max_num_queries(60):
        package = import_course(xml, standalone=True)
    seconds = time.perf_counter() - started

    assert AssignableUnit.objects.filter(course__package=package).count() == 1200
    assert seconds < 5, f"1,200 AUs took {seconds:.2f}s to import"


REFUSED = [
    pytest.param(
        zipped(structure(au("a1", url="missing.html"))),
        "course.zip",
        f"AU {BASE}/au/a1 launches 'missing.html', which is not a file in the package.",
        id="relative-url-not-in-zip",
    ),
    pytest.param(
        io.BytesIO(structure(au("a1", url="index.html"))),
        "cmi5.xml",
        f"AU {BASE}/au/a1 has the relative URL 'index.html': a course structure uploaded on its "
        "own must give every AU a full URL (https://...). Upload the zip that holds the files.",
        id="relative-url-standalone",
    ),
    pytest.param(
        io.BytesIO(structure(au("a1", url="https://x.example.org/a"), au("a1"))),
        "cmi5.xml",
        f"The id {BASE}/au/a1 is used twice; ids in a course must be unique.",
        id="duplicate-id",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("upload", "filename", "message"), REFUSED)
def test_a_refused_package_leaves_no_rows_and_no_files(upload, filename, message, settings):
    with pytest.raises(PackageRejected) as refused:
        package_import(upload=upload, filename=filename, uploaded_by=None)

    stored = (
        list(settings.PACKAGE_STORAGE_ROOT.rglob("*"))
        if settings.PACKAGE_STORAGE_ROOT.exists()
        else []
    )
    assert refused.value.message == message
    assert (Package.objects.count(), Course.objects.count(), stored) == (0, 0, [])
