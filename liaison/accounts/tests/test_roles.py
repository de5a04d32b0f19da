import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from liaison.accounts.models import Role
from liaison.accounts.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db

LIAISON_APPS = ["core", "accounts", "partners", "care", "correspondence"]


def test_each_user_of_the_cast_has_their_role(owner, clinician, front_desk, liaison_user, outsider):
    assert [u.role for u in (owner, clinician, front_desk, liaison_user, outsider)] == [
        Role.MANAGER,
        Role.CLINICIAN,
        Role.FRONT_DESK,
        Role.LIAISON,
        None,
    ]


def test_the_liaison_role_holds_no_permission_on_patient_data(liaison_user):
    perms = liaison_user.get_all_permissions()
    assert perms and not [p for p in perms if p.startswith(("care.", "correspondence."))]


def test_every_role_permission_exists():
    from django.contrib.auth.models import Group

    for role, grants in ROLE_PERMISSIONS.items():
        expected = sum(len(actions) for actions in grants.values())
        assert Group.objects.get(name=role).permissions.count() == expected, role


def test_every_model_is_in_the_admin():
    models = [m for label in LIAISON_APPS for m in apps.get_app_config(label).get_models()]
    missing = [m.__name__ for m in models if not admin.site.is_registered(m)]
    assert not missing


def test_a_manager_can_open_every_admin_list(client, owner):
    client.force_login(owner)
    for label in LIAISON_APPS:
        for model in apps.get_app_config(label).get_models():
            url = reverse(f"admin:{label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


def test_staff_without_the_manager_role_cannot_open_the_admin(client, liaison_user):
    client.force_login(liaison_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
