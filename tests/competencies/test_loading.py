"""Loading frameworks and role requirements from declarative data; new versions."""

import pytest
from django.core.exceptions import ValidationError

from competencies.models import (
    Competency,
    CrosswalkLink,
    Framework,
    LevelDescriptor,
    RoleRequirement,
)
from competencies.services import framework_load
from tests.competencies.frameworks import framework_data


def test_framework_load_builds_scale_areas_competencies_and_descriptors(framework):
    assert list(framework.levels.values_list("number", "name"))[:2] == [
        (0, "Not yet"),
        (1, "Awareness"),
    ]
    assert list(framework.areas.values_list("code", flat=True)) == ["DA", "SP"]
    assert list(framework.competencies.values_list("code", flat=True)) == ["DA.1", "DA.2", "SP.1"]
    da2 = framework.competencies.get(code="DA.2")
    assert list(da2.descriptors.values_list("level", "text")) == [(2, "Spots an ethical risk.")]


def test_crosswalk_links_resolve_to_a_held_framework_and_keep_unverified_flags(framework):
    links = {link.code: link for link in CrosswalkLink.objects.filter(competency__code="DA.1")}

    assert links["1.1"].target.framework.slug == "digcomp22"
    assert links["1.1"].verified is True
    assert links["D.7"].target is None
    assert links["D.7"].verified is False


def test_loading_again_changes_nothing(framework):
    before = (
        Competency.objects.count(),
        LevelDescriptor.objects.count(),
        CrosswalkLink.objects.count(),
    )
    uuids = set(Competency.objects.values_list("uuid", flat=True))

    framework_load(framework_data())

    assert (
        Competency.objects.count(),
        LevelDescriptor.objects.count(),
        CrosswalkLink.objects.count(),
    ) == before
    assert set(Competency.objects.values_list("uuid", flat=True)) == uuids


def test_a_descriptor_for_a_level_the_scale_lacks_loads_nothing(db):
    data = framework_data()
    data["areas"][0]["competencies"][0]["descriptors"]["7"] = "Beyond the scale."

    with pytest.raises(ValidationError, match="level 7"):
        framework_load(data)

    assert Framework.objects.filter(slug="mini").count() == 0


def test_role_requirements_apply_area_levels_overrides_and_departments(
    requirements, job_role, department
):
    rows = {
        (r.competency.code, r.department.code if r.department else None): r.level
        for r in RoleRequirement.objects.select_related("competency", "department")
    }

    assert requirements == 4
    assert rows == {("DA.1", None): 2, ("DA.2", None): 1, ("SP.1", None): 1, ("SP.1", "CRS"): 3}


def test_unknown_job_role_in_profiles_loads_nothing(framework):
    from competencies.services import role_requirements_load

    with pytest.raises(ValidationError, match="Unknown job role 'astronaut'"):
        role_requirements_load({"framework": "mini", "profiles": {"astronaut": {"DA": 2}}})
    assert RoleRequirement.objects.count() == 0
