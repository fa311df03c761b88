"""The skills reports, their downloads and the PDF pack in French and Arabic (right to left):
headings, table headers, the hidden-group wording and the files' headers read in the viewer's
language; codes and figures stay as they are."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.exports import report_files
from analytics.reports.assembly import skill_gap_report
from tests.analytics.scenario import THRESHOLD
from tests.html import heading, table, texts, tree

CATALOGUE = Path(settings.BASE_DIR) / "analytics" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def back_to_english():
    """A page read in another language leaves that language active for this thread: the
    tests after these read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organisation(shared_organisation, settings):
    """The scenario's organisation, built once for this module (tests/analytics/conftest.py)."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    return shared_organisation


def at(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def page_text(body: str) -> str:
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def english_left(body: str, language: str) -> list[str]:
    """The catalogue's English sentences (three words or more, no placeholder) still on the
    page although the language translates them."""
    text = page_text(body)
    found = []
    for msgid in re.findall(r'^msgid "(.+)"$', CATALOGUE.read_text(encoding="utf-8"), re.M):
        if "%" in msgid or len(msgid.split()) < 3 or "<" in msgid:
            continue
        with translation.override(language):
            translated = translation.gettext(msgid)
        if translated != msgid and msgid in text:
            found.append(msgid)
    return found


@pytest.mark.django_db
def test_cto_office_report_in_french(client, organisation):
    client.force_login(organisation.cto)

    body = client.get(at("fr", "organisation_report")).content.decode()

    assert heading(body) == "Rapports sur les compétences"
    assert tree(body).xpath("//html/@lang") == ["fr"]
    assert texts(body, "//main//h2")[:3] == [
        "Part des personnes atteignant leur niveau visé, par direction",
        "Écarts les plus importants",
        "Cours pour les écarts les plus importants",
    ]
    grid = table(body, "Part des personnes atteignant leur niveau visé")
    assert grid[0] == [
        "Compétence",
        "Civil Registration and Citizen Services",
        "Finance, Revenue and Procurement",
        "Transport and Mobility",
        "Toutes les directions",
    ]
    # The hidden groups say so in French; codes stay as they are.
    assert grid[2][0] == "DA.2 Data ethics"
    assert grid[2][2:4] == ["Masqué petit groupe", "Masqué petit groupe"]
    assert table(body, "Écarts les plus importants")[0] == [
        "Rang",
        "Compétence",
        "Priorité",
        "Écart moyen (niveaux)",
        "Part atteignant leur niveau visé",
        "Part pas encore évaluée",
        "Personnes sous le niveau visé",
    ]
    assert "le groupe compte 4\u00a0personnes ou moins" not in page_text(body)
    assert "le groupe compte 4 personnes ou moins" in page_text(body)
    assert english_left(body, "fr") == []


@pytest.mark.django_db
def test_cto_office_report_in_arabic_reads_right_to_left(client, organisation):
    client.force_login(organisation.cto)

    body = client.get(at("ar", "organisation_report")).content.decode()

    assert tree(body).xpath("//html/@dir") == ["rtl"]
    assert heading(body) == "تقارير الكفاءات"
    assert table(body, "أكبر الفجوات")[0] == [
        "الترتيب",
        "الكفاءة",
        "الأولوية",
        "متوسط الفجوة (بالمستويات)",
        "نسبة من يبلغون مستواهم المستهدف",
        "نسبة من لم يُقيَّموا بعد",
        "الأشخاص دون المستوى المستهدف",
    ]
    grid = table(body, "نسبة الأشخاص الذين يبلغون مستواهم المستهدف")
    assert grid[2][2:4] == ["مخفي مجموعة صغيرة", "مخفي مجموعة صغيرة"]
    # The heatmap is drawn from the right: its first department's column is the rightmost.
    svg = re.search(r"<svg[^>]*class=\"app-heatmap\".*?</svg>", body, re.S)[0]
    labels = {
        m[2]: float(m[1])
        for m in re.finditer(r'<text x="([\d.]+)" y="[\d.]+">\u202b?([A-Z]{3})\u202c?<', svg)
    }
    assert labels["CRS"] > labels["FIN"] > labels["TRN"]
    assert english_left(body, "ar") == []


@pytest.mark.django_db
def test_department_report_in_french_and_arabic(client, organisation):
    client.force_login(organisation.managers["CRS"])

    french = client.get(at("fr", "department_report", "CRS")).content.decode()
    arabic = client.get(at("ar", "department_report", "CRS")).content.decode()

    assert heading(french) == "Compétences de la direction"
    assert heading(arabic) == "كفاءات الإدارة"
    assert table(french, "Part des personnes atteignant leur niveau visé")[0][0] == "Compétence"
    assert table(french, "Part des personnes atteignant leur niveau visé")[0][-1] == (
        "Toute la direction"
    )
    assert table(arabic, "نسبة الأشخاص الذين يبلغون مستواهم المستهدف")[0][-1] == "الإدارة كاملة"
    assert texts(french, "//h2[@id='team']") == [
        "Les personnes qui vous sont directement rattachées"
    ]
    assert english_left(french, "fr") == []
    assert english_left(arabic, "ar") == []


@pytest.mark.django_db
def test_csv_from_french_pages_has_french_headers_and_machine_figures(client, organisation):
    client.force_login(organisation.cto)

    body = client.get(at("fr", "organisation_export", "csv")).content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "direction",
        "nom de la direction",
        "compétence",
        "intitulé de la compétence",
        "domaine",
        "personnes",
        "personnes évaluées",
        "personnes non encore évaluées",
        "% non encore évaluées",
        "atteignant le niveau visé",
        "% atteignant le niveau visé",
        "sous le niveau visé",
        "écart moyen",
        "priorité",
        "preuves anciennes",
        "masqué",
    ]
    first = rows[1]
    assert first[:3] == ["CRS", "Civil Registration and Citizen Services", "DA.1"]
    assert first[8] == "28.6"  # a decimal point: the CSV is data
    assert first[-1] == "non"


@pytest.mark.django_db
def test_xlsx_from_arabic_pages_has_arabic_sheets_and_headers(client, organisation):
    client.force_login(organisation.cto)

    body = client.get(at("ar", "organisation_export", "xlsx")).content

    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["الملخص", "البيانات", "المنهجية"]
    data = book["البيانات"]
    assert [cell.value for cell in data[1]][:6] == [
        "الإدارة",
        "اسم الإدارة",
        "الكفاءة",
        "عنوان الكفاءة",
        "المجال",
        "الأشخاص",
    ]
    assert [cell.value for cell in data[2]][:3] == [
        "CRS",
        "Civil Registration and Citizen Services",
        "DA.1",
    ]
    assert data.cell(2, 6).data_type == "n"  # figures stay numbers
    assert data.sheet_view.rightToLeft is True
    assert book["الملخص"].cell(1, 1).value == "تقرير فجوات المهارات"


@pytest.mark.django_db
def test_pdf_pack_in_arabic_is_right_to_left_with_arabic_headings(client, organisation):
    client.force_login(organisation.cto)
    report = skill_gap_report()

    with translation.override("ar"):
        html = report_files.pack_html(report, scope_name="جميع الإدارات")
    pdf = client.get(at("ar", "organisation_export", "pdf")).content

    root = tree(html.encode())
    assert root.xpath("/html/@dir") == ["rtl"]
    assert root.xpath("/html/@lang") == ["ar"]
    assert [h.text_content() for h in root.xpath("//h2")][:3] == [
        "الملخص",
        "أكبر الفجوات",
        "الدورات الموصى بها",
    ]
    assert "@bottom-left" in html
    assert "text-align: start" in html
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for arabic in ("الملخص", "أكبر الفجوات", "المنهجية وجودة البيانات"):
        assert arabic in words
    # English keeps its own pack.
    with translation.override("en-gb"):
        english = report_files.pack_html(report, scope_name="All departments")
    assert '<html lang="en-GB">' in english
    assert "<h2>Summary</h2>" in english


def test_links_remembered_for_one_language_are_not_given_to_another(client, organisation):
    """Report links are reversed once and remembered; a page read in Arabic first must not
    hand its /ar/ addresses to the English page read after it."""
    client.force_login(organisation.cto)
    arabic = tree(client.get("/ar/reports/").content.decode())
    english = tree(client.get("/reports/").content.decode())

    def report_links(page) -> list[str]:
        return [href for href in page.xpath("//main//a/@href") if "/reports/departments/" in href]

    arabic_links, english_links = report_links(arabic), report_links(english)
    assert (arabic_links != [], english_links != []) == (True, True)
    assert [link for link in english_links if link.startswith("/ar/")] == []
    assert [f"/ar{link}" for link in english_links] == arabic_links
