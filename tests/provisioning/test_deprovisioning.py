"""Deprovisioning: active false or DELETE closes the account and ends its sessions, and keeps
its learning records; DELETE hides the person from SCIM."""

from django.test import Client

from accounts.audit import audit_entries
from accounts.models import User
from provisioning.models import ProvisionedUser
from tests.factories import PASSWORD
from tests.provisioning.conftest import error_of, user_body
from xapi.identity import learner_agent
from xapi.models import LearnerIdentity


def signed_in_client(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=PASSWORD)
    assert client.get("/profile/").status_code == 200
    return client


def provisioned_with_password(scim) -> tuple[dict, User]:
    body = scim.post("/Users", user_body()).json()
    user = User.objects.get(email="ana@city.example.gov")
    user.set_password(PASSWORD)  # as if they had set one before SSO took over
    user.save()
    return body, user


def test_active_false_closes_the_account_and_its_session(scim, scim_token):
    body, user = provisioned_with_password(scim)
    browser = signed_in_client(user.email)

    response = scim.patch(
        f"/Users/{body['id']}", {"op": "replace", "path": "active", "value": False}
    )

    assert response.json()["active"] is False
    assert browser.get("/profile/").url.startswith("/accounts/login/")
    entry = audit_entries().filter(action="lms.account.deactivate").get()
    assert (entry.object_id, entry.data["via"]) == (str(user.pk), scim_token.name)


def test_active_true_reopens_the_account(scim):
    body, user = provisioned_with_password(scim)
    scim.patch(f"/Users/{body['id']}", {"op": "replace", "path": "active", "value": False})

    scim.patch(f"/Users/{body['id']}", {"op": "replace", "path": "active", "value": True})

    user.refresh_from_db()
    assert user.is_active is True
    assert signed_in_client(user.email)


def test_delete_closes_the_account_keeps_it_and_its_records_and_hides_it(scim):
    body, user = provisioned_with_password(scim)
    pseudonym = learner_agent(user=user).account.name
    browser = signed_in_client(user.email)

    response = scim.delete(f"/Users/{body['id']}")

    assert (response.status_code, response.content) == (204, b"")
    assert browser.get("/profile/").url.startswith("/accounts/login/")
    user.refresh_from_db()
    assert user.is_active is False
    assert LearnerIdentity.objects.get(account_name=pseudonym).user == user
    assert error_of(scim.get(f"/Users/{body['id']}"))["status"] == "404"
    assert (
        scim.get("/Users", filter='userName eq "ana@city.example.gov"').json()["totalResults"] == 0
    )
    assert error_of(scim.delete(f"/Users/{body['id']}"))["status"] == "404"


def test_provisioning_a_deleted_person_again_reopens_the_same_account_under_a_new_id(scim):
    body, user = provisioned_with_password(scim)
    scim.delete(f"/Users/{body['id']}")

    again = scim.post("/Users", user_body())

    assert again.status_code == 201
    assert again.json()["id"] != body["id"]
    assert ProvisionedUser.objects.get(user=user).scim_id.hex == again.json()["id"].replace("-", "")
    user.refresh_from_db()
    assert user.is_active is True
    assert scim.get(f"/Users/{body['id']}").status_code == 404
