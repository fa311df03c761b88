"""The course package block a training lead puts in a lesson: a package, and the competency and
level passing it evidences (both or neither); at most one per lesson."""

import pytest
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from competencies.models import Competency
from courses.models.blocks import LessonStreamBlock, PackageBlock
from packages.models import Package

BOTH_OR_NEITHER = (
    "Choose a competency and the level that passing the package shows someone has reached, "
    "or neither."
)


@pytest.fixture
def package(db):
    return Package.objects.create(title="Golf explained", kind=Package.Kind.CMI5)


def clean(**value):
    block = PackageBlock()
    return block.clean(block.to_python(value))


def errors_of(raised) -> dict[str, list[str]]:
    # Wagtail keeps each field's errors as an ErrorList, which lists its messages.
    return {name: list(errors) for name, errors in raised.value.block_errors.items()}


@pytest.mark.django_db
def test_a_package_with_a_competency_and_level_is_accepted(framework, package):
    competency = Competency.objects.get(framework=framework, code="DA.1")

    value = clean(package=package.pk, competency=competency.pk, evidences_level=2)

    assert (value["package"], value["competency"], value["evidences_level"]) == (
        package,
        competency,
        2,
    )


@pytest.mark.django_db
def test_a_package_mapped_to_nothing_is_accepted(package):
    value = clean(package=package.pk, competency=None, evidences_level=None)

    assert (value["package"], value["competency"], value["evidences_level"]) == (
        package,
        None,
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("with_competency", [True, False])
def test_a_competency_without_a_level_or_a_level_without_one_is_refused(
    framework, package, with_competency
):
    competency = Competency.objects.get(framework=framework, code="DA.1")
    value = (
        {"competency": competency.pk, "evidences_level": None}
        if with_competency
        else {"competency": None, "evidences_level": 2}
    )

    with pytest.raises(StructBlockValidationError) as raised:
        clean(package=package.pk, **value)

    assert errors_of(raised) == {"evidences_level": [BOTH_OR_NEITHER]}


@pytest.mark.django_db
def test_a_package_is_required(framework):
    with pytest.raises(StructBlockValidationError) as raised:
        clean(package=None, competency=None, evidences_level=None)

    assert errors_of(raised) == {"package": ["This field is required."]}


@pytest.mark.django_db
def test_a_lesson_holds_at_most_one_package(package):
    stream = LessonStreamBlock()
    value = stream.to_python(
        [
            {"type": "package", "value": {"package": package.pk}},
            {"type": "package", "value": {"package": package.pk}},
        ]
    )

    with pytest.raises(StreamBlockValidationError) as raised:
        stream.clean(value)

    assert list(raised.value.non_block_errors) == [
        "Course package: The maximum number of items is 1"
    ]
