"""Roles are groups with real permissions, kept in step with what each app declares."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.selectors import declared_role_permissions
from accounts.services import role_groups_sync, user_create, user_roles_set
from tests.factories import make_person


def permission_names(group_name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_every_role_exists_as_a_group_after_migrate():
    # Wagtail's migrations add its own two groups beside the roles; nothing else is there.
    assert set(Group.objects.values_list("name", flat=True)) == {str(role) for role in Role} | {
        "Editors",
        "Moderators",
    }


@pytest.mark.django_db
def test_groups_hold_exactly_the_declared_permissions_that_exist():
    declared = declared_role_permissions()

    for role in Role:
        assert permission_names(role) == declared[role], role


@pytest.mark.django_db
def test_declared_permissions_all_exist():
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    missing = {role: names - existing for role, names in declared_role_permissions().items()}
    assert missing == {role: set() for role in Role}


@pytest.mark.django_db
def test_sync_restores_a_permission_removed_by_hand():
    group = Group.objects.get(name=Role.CTO_OFFICE)
    group.permissions.clear()

    role_groups_sync()

    assert permission_names(Role.CTO_OFFICE) == declared_role_permissions()[Role.CTO_OFFICE]
    assert "organisations.view_all_departments" in permission_names(Role.CTO_OFFICE)


@pytest.mark.django_db
def test_learners_hold_no_special_permissions():
    assert permission_names(Role.LEARNER) == set()


@pytest.mark.django_db
def test_user_roles_set_replaces_roles_and_keeps_other_groups():
    person = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    other = Group.objects.create(name="Working group on open data")
    person.groups.add(other)

    user_roles_set(user=person, roles=[Role.LEARNER, Role.DEPARTMENT_LEAD])

    assert set(person.groups.values_list("name", flat=True)) == {
        Role.LEARNER,
        Role.DEPARTMENT_LEAD,
        "Working group on open data",
    }
    assert person.has_perm("organisations.view_own_department")


@pytest.mark.django_db
def test_user_roles_set_refuses_an_unknown_role():
    person = make_person()

    with pytest.raises(ValueError, match="'Superhero' is not a valid Role"):
        user_roles_set(user=person, roles=["Superhero"])
    assert list(person.groups.values_list("name", flat=True)) == [Role.LEARNER]


@pytest.mark.django_db
def test_an_account_created_by_an_authority_names_it_in_the_roles_audit_entry():
    person = user_create(
        email="new.starter@example.org", password=None, first_name="New", via="HR roster"
    )

    [entry] = ModelLogEntry.objects.filter(action="lms.roles.change", object_id=str(person.pk))
    assert (entry.user, entry.data["via"], entry.data["after"]["roles"]) == (
        None,
        "HR roster",
        ["Learner"],
    )


def test_role_groups_are_synced_once_per_migrate_after_every_app_has_its_permissions():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from accounts.signals import sync_role_groups_after_migrate

    def syncs_after(config) -> bool:
        sync_receivers, async_receivers = post_migrate._live_receivers(config)
        return sync_role_groups_after_migrate in sync_receivers + async_receivers

    apps_with_models = [config for config in apps.get_app_configs() if config.models_module]
    assert [config.label for config in apps_with_models if syncs_after(config)] == [
        apps_with_models[-1].label
    ]
