"""Replace Wagtail's placeholder root page with the service's home page."""

from django.db import migrations

INTRO = (
    "<p>Learn the digital skills that public services now depend on, see where you stand "
    "against what your role needs, and keep a plan to close the gap.</p>"
)

AUDIENCES = [
    ("Civil servants", "Assess your own skills, take short courses, pass knowledge checks and "
     "keep a learning plan that follows you between roles."),
    ("Training leads", "Write and publish course modules, map them to the competency framework "
     "and see how learners get on."),
    ("Department leads", "See where your department is short of the skills its roles need, and "
     "support the people who report to you."),
    ("CTO office", "Compare departments, see the evidence behind every figure and decide where "
     "to invest in skills."),
    ("Administrators", "Run the service: people, the organisation, competency frameworks and "
     "security settings."),
]


def create_homepage(apps, schema_editor):
    import uuid

    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("courses.HomePage")

    # Wagtail's initial data adds a placeholder page at depth 2; the home page takes its place.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="courses")
    locale = Locale.objects.first() or Locale.objects.create(language_code="en")
    homepage = HomePage.objects.create(
        title="Digital skills for public servants",
        draft_title="Digital skills for public servants",
        slug="home",
        content_type=homepage_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro=INTRO,
        audiences=[
            {"type": "audience", "value": {"audience": a, "summary": s}, "id": str(uuid.uuid4())}
            for a, s in AUDIENCES
        ],
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": homepage, "port": 80},
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("courses.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
