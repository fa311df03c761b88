"""Reading the service in English, French, Spanish or Arabic: the switcher on every page (a form
that works without JavaScript), addresses that say the language, the person's choice
remembered in their profile and a cookie, and the shell's words in each language."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from lms.navigation import _is_current
from tests.factories import PASSWORD, make_person
from tests.html import text_of, texts, tree
from tests.mfa import activate_totp


@pytest.fixture(autouse=True)
def _back_to_english_after_each_test():
    """A request activates its page's language for the rest of the thread; later tests that
    reverse addresses or build forms outside a request expect English."""
    yield
    translation.deactivate()


SWITCHER = '//nav[@class="app-language-switcher"]'
OTHERS_FROM_ENGLISH = [("fr", "Français"), ("es", "Español"), ("ar", "العربية")]


def switcher(html: str) -> tuple[str, list[tuple[str, str]], str, str]:
    """The switcher's form action, its buttons (value and name), the current language's name
    and the page it sends the person back to."""
    [form] = tree(html).xpath(f"{SWITCHER}/form")
    buttons = [(button.get("value"), text_of(button)) for button in form.xpath(".//button")]
    [current] = form.xpath('.//span[@aria-current="true"]')
    [after] = form.xpath('.//input[@name="next"]')
    return form.get("action"), buttons, text_of(current), after.get("value")


def html_lang_dir(html: str) -> tuple[str, str]:
    root = tree(html)
    return root.get("lang"), root.get("dir")


def shell(html: str) -> dict[str, list[str]]:
    """The words of the header's account links, the service menu, the footer's links and the
    skip link, as a person reads them."""
    return {
        "skip": texts(html, '//a[contains(@class, "govuk-skip-link")]'),
        "account": texts(html, '//ul[@id="account-navigation"]/li'),
        "menu": texts(html, '//ul[@id="navigation"]/li'),
        "footer": texts(html, '//footer//a[@class="govuk-footer__link"]'),
        "phase": texts(html, '//strong[contains(@class, "govuk-phase-banner__content__tag")]'),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/accessibility/", "/privacy/"])
def test_the_switcher_is_on_pages_for_people_not_signed_in(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-GB")

    assert response.status_code == 200
    assert switcher(response.content.decode()) == (
        "/language/",
        OTHERS_FROM_ENGLISH,
        "English",
        path,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/learning/", "/accessibility/", "/accounts/email/"])
def test_the_switcher_is_on_pages_for_people_signed_in(client, learner, path):
    client.force_login(learner)

    response = client.get(path)

    assert response.status_code == 200
    assert switcher(response.content.decode()) == (
        "/language/",
        OTHERS_FROM_ENGLISH,
        "English",
        path,
    )


@pytest.mark.django_db
def test_the_switcher_on_a_french_page_offers_english_and_marks_french_current(client):
    html = client.get("/fr/accounts/login/").content.decode()

    assert switcher(html) == (
        "/language/",
        [("en-gb", "English"), ("es", "Español"), ("ar", "العربية")],
        "Français",
        "/fr/accounts/login/",
    )


@pytest.mark.django_db
def test_choosing_french_without_javascript_goes_to_the_same_page_in_french(client):
    response = client.post("/language/", {"language": "fr", "next": "/learning/"})

    assert (response.status_code, response["Location"]) == (302, "/fr/learning/")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, bool(cookie["httponly"])) == ("fr", True)


@pytest.mark.django_db
def test_choosing_a_language_signed_in_saves_it_in_the_profile(client, learner):
    client.force_login(learner)

    response = client.post("/language/", {"language": "ar", "next": "/fr/learning/?page=2"})

    assert (response.status_code, response["Location"]) == (302, "/ar/learning/?page=2")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert User.objects.get(pk=learner.pk).language == "ar"


@pytest.mark.django_db
def test_choosing_english_goes_back_to_the_unprefixed_address(client, learner):
    learner.language = "fr"
    learner.save(update_fields=["language"])
    client.force_login(learner)

    response = client.post("/language/", {"language": "en-gb", "next": "/fr/learning/"})

    assert (response.status_code, response["Location"]) == (302, "/learning/")
    assert User.objects.get(pk=learner.pk).language == "en-gb"
    # English is now the profile's choice, so the unprefixed address is served as it is.
    assert client.get("/learning/", HTTP_ACCEPT_LANGUAGE="fr").status_code == 200


@pytest.mark.django_db
def test_a_language_that_is_not_offered_is_refused_with_a_message(client):
    response = client.post("/language/", {"language": "de", "next": "/learning/"})

    assert response.status_code == 400
    assert response.content.decode() == (
        "There is no language “de”. Choose one of the languages offered."
    )
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_the_language_form_only_takes_a_post(client):
    assert client.get("/language/", {"language": "fr"}).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "after", ["https://elsewhere.example/learning/", "//elsewhere.example/", "javascript:alert(1)"]
)
def test_a_next_page_on_another_host_becomes_the_home_page_in_the_new_language(client, after):
    response = client.post("/language/", {"language": "fr", "next": after})

    assert (response.status_code, response["Location"]) == (302, "/fr/")


@pytest.mark.django_db
def test_an_unprefixed_address_sends_a_person_whose_profile_says_french_to_french(client, learner):
    learner.language = "fr"
    learner.save(update_fields=["language"])
    client.force_login(learner)

    # The profile wins over the browser's preference.
    response = client.get("/learning/?tab=plan", HTTP_ACCEPT_LANGUAGE="es")

    assert (response.status_code, response["Location"]) == (302, "/fr/learning/?tab=plan")


@pytest.mark.django_db
def test_an_unprefixed_address_follows_the_cookie_before_signing_in(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")

    assert (response.status_code, response["Location"]) == (302, "/es/accounts/login/")


@pytest.mark.django_db
def test_an_unprefixed_address_follows_the_browsers_preference_for_french(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")

    assert (response.status_code, response["Location"]) == (302, "/fr/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en-GB,en;q=0.9", "en-US", "de-DE", ""])
def test_an_english_or_unoffered_browser_preference_stays_in_english(client, accept):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    assert html_lang_dir(response.content.decode()) == ("en-GB", "ltr")


@pytest.mark.django_db
def test_an_address_with_a_code_is_served_in_that_language_against_the_profile(client, learner):
    learner.language = "es"
    learner.save(update_fields=["language"])
    client.force_login(learner)

    response = client.get("/fr/learning/", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert html_lang_dir(response.content.decode()) == ("fr", "ltr")
    assert User.objects.get(pk=learner.pk).language == "es"


@pytest.mark.django_db
def test_the_lrs_is_never_sent_to_another_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get(
        "/xapi/about", HTTP_ACCEPT_LANGUAGE="fr", HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_the_cms_is_never_sent_to_another_language(client, administrator):
    administrator.language = "ar"
    administrator.save(update_fields=["language"])
    client.force_login(administrator)

    response = client.get("/cms/", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_cms_sign_in_is_not_sent_to_another_language_before_signing_in(client):
    response = client.get("/cms/", HTTP_ACCEPT_LANGUAGE="fr")

    # The CMS's own address is kept; only the sign-in page it sends the person to has languages.
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/cms/")


@pytest.mark.django_db
def test_signing_in_after_choosing_spanish_keeps_spanish_in_the_profile(client):
    person = make_person(email="lucia@example.org")
    assert person.language == ""
    client.post("/language/", {"language": "es", "next": "/accounts/login/"})

    response = client.post("/es/accounts/login/", {"login": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).language == "es"


@pytest.mark.django_db
def test_signing_in_keeps_a_language_the_profile_already_has(client):
    person = make_person(email="omar@example.org")
    person.language = "ar"
    person.save(update_fields=["language"])
    client.post("/language/", {"language": "es", "next": "/accounts/login/"})

    client.post("/es/accounts/login/", {"login": person.email, "password": PASSWORD})

    assert User.objects.get(pk=person.pk).language == "ar"


@pytest.mark.django_db
def test_each_language_sets_the_pages_lang_and_direction(client):
    pages = {
        code: html_lang_dir(client.get(f"{prefix}/accounts/login/").content.decode())
        for code, prefix in [("en-gb", ""), ("fr", "/fr"), ("es", "/es"), ("ar", "/ar")]
    }

    assert pages == {
        "en-gb": ("en-GB", "ltr"),
        "fr": ("fr", "ltr"),
        "es": ("es", "ltr"),
        "ar": ("ar", "rtl"),
    }


@pytest.mark.django_db
def test_the_shell_reads_in_french_and_arabic_for_someone_not_signed_in(client):
    shells = {
        prefix: shell(client.get(f"{prefix}/accounts/login/").content.decode())
        for prefix in ["", "/fr", "/ar"]
    }

    assert shells == {
        "": {
            "skip": ["Skip to main content"],
            "account": ["Sign in", "Create an account"],
            "menu": ["Home", "Courses", "Frameworks"],
            "footer": [
                "Competency frameworks",
                "Accessibility statement",
                "Privacy notice",
                "Contact",
            ],
            "phase": ["Beta"],
        },
        "/fr": {
            "skip": ["Aller au contenu principal"],
            "account": ["Se connecter", "Créer un compte"],
            "menu": ["Accueil", "Cours", "Référentiels"],
            "footer": [
                "Référentiels de compétences",
                "Déclaration d'accessibilité",
                "Politique de confidentialité",
                "Contact",
            ],
            "phase": ["Bêta"],
        },
        "/ar": {
            "skip": ["الانتقال إلى المحتوى الرئيسي"],
            "account": ["تسجيل الدخول", "إنشاء حساب"],
            "menu": ["الرئيسية", "الدورات", "الأطر"],
            "footer": ["أطر الكفاءات", "بيان إمكانية الوصول", "إشعار الخصوصية", "اتصل بنا"],
            "phase": ["تجريبي"],
        },
    }


@pytest.mark.django_db
def test_the_menu_links_and_home_stay_in_the_language_being_read(client):
    html = client.get("/fr/accounts/login/").content.decode()

    assert tree(html).xpath('//ul[@id="navigation"]/li/a/@href') == [
        "/fr/",
        "/fr/courses/",
        "/fr/frameworks/",
    ]
    assert tree(html).xpath('//a[@class="govuk-generic-header__homepage-link"]/@href') == ["/fr/"]


@pytest.mark.django_db
def test_the_shell_reads_in_french_and_arabic_for_a_signed_in_learner(client, learner):
    client.force_login(learner)
    shells = {
        prefix: shell(client.get(f"{prefix}/learning/").content.decode())
        for prefix in ["/fr", "/ar"]
    }

    assert {prefix: (found["account"], found["menu"]) for prefix, found in shells.items()} == {
        "/fr": (
            ["Notifications (0 non lue)", "Votre profil", "Se déconnecter"],
            ["Votre formation", "Cours", "Évaluer vos compétences"],
        ),
        "/ar": (
            ["الإشعارات (0 غير مقروءة)", "ملفك الشخصي", "تسجيل الخروج"],
            ["تعلّمك", "الدورات", "قيّم مهاراتك"],
        ),
    }


@pytest.mark.django_db
def test_every_menu_entry_reads_in_spanish_for_the_role_with_most_entries(client, department):
    everything = make_person(
        roles=[Role.LEARNER, Role.TRAINING_LEAD, Role.DEPARTMENT_LEAD, Role.ADMINISTRATOR],
        department=department,
    )
    activate_totp(everything)  # administrators must use two-factor authentication
    make_person(line_manager=everything)
    client.force_login(everything)

    response = client.get("/es/learning/")

    assert [item.label for item in response.context["navigation"]] == [
        "Su aprendizaje",
        "Cursos",
        "Evaluar sus competencias",
        "Su equipo",
        "Informes",
        "Gestión de contenidos",
    ]


@pytest.mark.django_db
def test_the_menu_entry_of_a_page_read_in_another_language_is_current(client, people):
    client.force_login(people["department_lead"])

    def current(path):
        response = client.get(path)
        assert response.status_code == 200
        return [item.label for item in response.context["navigation"] if item.current]

    paths = ["/reports/list/", "/fr/reports/list/", "/fr/department/", "/ar/learning/"]

    assert {path: current(path) for path in paths} == {
        "/reports/list/": ["Reports"],
        "/fr/reports/list/": ["Rapports"],
        "/fr/department/": ["Rapports"],
        "/ar/learning/": ["تعلّمك"],
    }


def test_a_path_is_compared_without_its_language_code():
    with translation.override("fr"):
        found = [
            _is_current("/fr/reports/", "/fr/reports/"),
            _is_current("/fr/department/", "/fr/reports/", ("/department/",)),
            _is_current("/fr/", "/fr/"),
            _is_current("/fr/learning/", "/fr/"),
            _is_current("/es/reports/", "/reports/"),
            _is_current("/fr/learning/", "/fr/reports/"),
        ]

    assert found == [True, True, True, False, True, False]


@pytest.mark.django_db
def test_a_password_reset_asked_for_in_french_is_written_in_french(client):
    make_person(email="amina@example.org")

    response = client.post("/fr/accounts/password/reset/", {"email": "amina@example.org"})

    assert (response.status_code, response["Location"]) == (
        302,
        "/fr/accounts/password/reset/done/",
    )
    [message] = mail.outbox
    lines = [line for line in message.body.splitlines() if line]
    link = lines[2]
    assert message.subject == "[Digital Capacity Academy] Réinitialiser votre mot de passe"
    assert link.startswith(f"{settings.SITE_URL}/fr/accounts/password/reset/key/")
    assert lines == [
        "Bonjour,",
        "Quelqu'un a demandé à réinitialiser le mot de passe de votre compte. Si c'était vous, "
        "choisissez un nouveau mot de passe\u00a0:",
        link,
        "Le lien ne fonctionne qu'une fois. Si vous n'avez pas demandé à réinitialiser votre mot "
        "de passe, vous n'avez rien à faire\u00a0: votre mot de passe n'a pas changé.",
        "Digital Capacity Academy",
        settings.SITE_URL,
    ]


@pytest.mark.django_db
def test_sign_in_errors_and_labels_read_in_arabic(client):
    response = client.post("/ar/accounts/login/", {"login": "", "password": ""})
    html = response.content.decode()

    assert response.status_code == 200
    assert texts(html, "//title") == ["خطأ: تسجيل الدخول \u2013 Digital Capacity Academy"]
    assert texts(html, '//div[contains(@class, "govuk-error-summary")]//h2') == ["توجد مشكلة"]
    assert texts(html, '//ul[contains(@class, "govuk-error-summary__list")]/li') == [
        "أدخل عنوان بريدك الإلكتروني",
        "أدخل كلمة المرور",
    ]
    assert texts(html, "//main//label") == [
        "عنوان البريد الإلكتروني",
        "كلمة المرور",
        "إبقائي مسجّل الدخول على هذا الجهاز",
    ]


@pytest.mark.django_db
def test_the_service_rewords_allauths_own_message_in_french_too(client):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "first_name": "Noor",
            "last_name": "Haddad",
            "email": "noor.haddad@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "another-long-unusual-passphrase",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password2": ["Saisissez le même mot de passe dans les deux champs"]
    }


@pytest.mark.django_db
def test_an_administrator_reading_french_is_sent_to_set_up_two_factor_in_french(client):
    person = make_person(roles=[Role.LEARNER, Role.ADMINISTRATOR], email="admin@example.org")
    person.language = "fr"
    person.save(update_fields=["language"])
    client.post("/fr/accounts/login/", {"login": person.email, "password": PASSWORD})

    sent = client.get("/fr/learning/")
    reauthenticate = client.get(sent["Location"])
    client.post("/fr/accounts/reauthenticate/", {"password": PASSWORD})
    setup = client.get(sent["Location"])

    assert (sent.status_code, sent["Location"]) == (
        302,
        "/fr/accounts/2fa/totp/activate/?required=1",
    )
    # The pages on the way to setting it up are reached, not sent round again.
    assert reauthenticate.status_code == 302
    assert reauthenticate["Location"].startswith("/fr/accounts/reauthenticate/")
    assert (setup.status_code, texts(setup.content, "//h1")) == (
        200,
        ["Configurer une application d'authentification"],
    )


def banner(html) -> list[str]:
    return texts(html, '//p[@class="govuk-notification-banner__heading"]')


@pytest.mark.django_db
def test_signing_in_on_an_english_address_greets_the_person_in_their_profiles_language(client):
    person = make_person(email="amina@example.org", first_name="Amina", last_name="Okafor")
    person.language = "fr"
    person.save(update_fields=["language"])

    signed_in = client.post(
        "/accounts/login/", {"login": person.email, "password": PASSWORD}, follow=True
    )

    assert signed_in.redirect_chain[-1] == ("/fr/", 302)
    assert banner(signed_in.content) == ["Vous êtes connecté en tant que Amina Okafor."]


@pytest.mark.django_db
def test_signing_in_on_a_french_address_greets_in_french_whatever_the_profile_says(client):
    person = make_person(email="omar@example.org", first_name="Omar", last_name="Haddad")
    person.language = "es"
    person.save(update_fields=["language"])

    client.post("/fr/accounts/login/", {"login": person.email, "password": PASSWORD})
    page = client.get("/fr/learning/")

    assert banner(page.content) == ["Vous êtes connecté en tant que Omar Haddad."]
