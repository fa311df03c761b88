"""Two-factor authentication: setting it up, signing in with it, and requiring it by role."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from accounts.services import security_policy_update
from tests.factories import PASSWORD, make_person
from tests.html import heading, texts
from tests.mfa import activate_totp, current_code


def sign_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def confirm_password(client):
    """allauth asks for the password again before security settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_person_sets_up_an_authenticator_app(client):
    person = make_person(email="amina@example.org")
    sign_in(client, "amina@example.org")

    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    right = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert page.status_code == 200
    assert heading(page.content) == "Set up an authenticator app"
    assert texts(page.content, "//p[@id='authenticator_secret']") == [secret]
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == ["Incorrect code."]
    assert texts(wrong.content, "//title") == [
        "Error: Set up an authenticator app \u2013 Digital Capacity Academy"
    ]
    assert texts(wrong.content, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        "Incorrect code."
    ]
    assert right.status_code == 302
    assert set(Authenticator.objects.filter(user=person).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }


@pytest.mark.django_db
def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(client):
    person = make_person(email="amina@example.org")
    secret = activate_totp(person)

    first = sign_in(client, "amina@example.org")
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})

    assert first.status_code == 302
    assert first.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200
    assert heading(wrong.content) == "Enter your security code"
    assert texts(wrong.content, "//div[contains(@class, 'govuk-error-summary')]//li") == [
        "Incorrect code."
    ]
    assert texts(wrong.content, "//p[contains(@class, 'govuk-error-message')]") == [
        "Error: Incorrect code."
    ]
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db
def test_administrator_without_mfa_is_sent_to_set_it_up_by_default(client):
    make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR], email="admin@example.org")
    sign_in(client, "admin@example.org")

    for path in ("/", reverse("profile"), "/cms/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp") + "?required=1"

    confirm_password(client)
    setup = client.get(reverse("mfa_activate_totp") + "?required=1")
    assert setup.status_code == 200
    assert heading(setup.content) == "Set up an authenticator app"
    assert texts(setup.content, "//div[contains(@class, 'govuk-inset-text')]") == [
        "Your role needs two-factor authentication. Set it up to carry on using the service."
    ]
    statement = client.get(reverse("accessibility_statement"))
    assert statement.status_code == 200
    assert heading(statement.content) == "Accessibility statement for Digital Capacity Academy"


@pytest.mark.django_db
def test_administrator_with_mfa_gets_through(client):
    admin = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])
    activate_totp(admin)
    client.force_login(admin)

    response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert heading(response.content) == "Your profile"


@pytest.mark.django_db
def test_learners_are_never_forced_and_policy_can_cover_other_roles(client):
    learner = make_person()
    cto = make_person(roles=[Role.LEARNER, Role.CTO_OFFICE])
    security_policy_update(require_mfa_for_cto_office=True)

    client.force_login(learner)
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert heading(response.content) == "Your profile"
    client.force_login(cto)
    assert client.get(reverse("profile")).url == reverse("mfa_activate_totp") + "?required=1"


@pytest.mark.django_db
def test_policy_switched_off_lets_administrators_in_without_mfa(client):
    admin = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR])
    security_policy_update(require_mfa_for_administrators=False)
    client.force_login(admin)

    response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert heading(response.content) == "Your profile"


def test_policy_refuses_an_unknown_flag(db):
    with pytest.raises(ValueError, match="Unknown security policy flag: require_mfa_for_everyone"):
        security_policy_update(require_mfa_for_everyone=True)
