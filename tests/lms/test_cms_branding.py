"""The content management pages carry the service's name, logo and colours, and make no request
outside the service (no Gravatar avatars, no release check)."""

import lxml.html
import pytest
from django.conf import settings
from wagtail.models import Site

SERVICE = "Digital Capacity Academy"
TITLE_END = f" - {SERVICE} content management"
LOGO = "/static/img/favicon.svg"


@pytest.fixture(autouse=True)
def service_name(settings):
    settings.SERVICE_NAME = SERVICE


def document(response):
    return lxml.html.fromstring(response.content.decode())


def cms_pages(client, course) -> dict[str, object]:
    return {
        path: client.get(path)
        for path in (
            "/cms/",
            "/cms/pages/",
            f"/cms/pages/{course.pk}/edit/",
            "/cms/account/",
            "/cms/users/",
            "/cms/no-such-page/",
        )
    }


def branding(response) -> dict:
    page = document(response)
    [sidebar_logo] = page.xpath("//template[@data-wagtail-sidebar-branding-logo]") or [None]
    logos = (sidebar_logo if sidebar_logo is not None else page.xpath("//main")[0]).xpath(".//img")
    return {
        "title_ends_with_service": page.findtext(".//title").endswith(TITLE_END),
        "logo": [(img.get("src"), img.get("alt")) for img in logos],
        "favicon": page.xpath("//link[@rel='icon']/@href"),
        "brand_css": "/static/css/cms.css" in page.xpath("//link[@rel='stylesheet']/@href"),
    }


@pytest.mark.django_db
def test_every_cms_page_is_named_and_marked_as_the_service(client, administrator, course):
    client.force_login(administrator)

    pages = cms_pages(client, course)

    assert {path: response.status_code for path, response in pages.items()} == {
        path: 404 if path == "/cms/no-such-page/" else 200 for path in pages
    }
    assert {path: branding(response) for path, response in pages.items()} == {
        path: {
            "title_ends_with_service": True,
            "logo": [(LOGO, SERVICE)],
            "favicon": [LOGO],
            "brand_css": True,
        }
        for path in pages
    }


@pytest.mark.django_db
def test_the_dashboard_is_headed_with_the_service_name_whatever_the_site_record_says(
    client, training_lead
):
    Site.objects.filter(is_default_site=True).update(site_name="", hostname="localhost")
    client.force_login(training_lead)

    response = client.get("/cms/")
    assert response.status_code == 200
    page = document(response)

    assert [" ".join(h1.text_content().split()) for h1 in page.xpath("//main//h1")] == [SERVICE]
    assert "localhost" not in page.text_content()


@pytest.mark.django_db
def test_no_cms_page_asks_gravatar_or_wagtail_org_for_anything(
    client, administrator, training_lead, course
):
    found = []
    for person in (administrator, training_lead):
        client.force_login(person)
        for path, response in cms_pages(client, course).items():
            html = response.content.decode()
            found += [(path, host) for host in ("gravatar.com", "releases.wagtail") if host in html]

    assert found == []
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False


@pytest.mark.django_db
def test_signing_in_to_the_cms_is_the_services_own_sign_in_page(client):
    response = client.get("/cms/", follow=True)

    page = document(response)
    assert response.redirect_chain == [("/accounts/login/?next=/cms/", 302)]
    assert response.status_code == 200
    assert page.findtext(".//title").strip() == f"Sign in \N{EN DASH} {SERVICE}"
