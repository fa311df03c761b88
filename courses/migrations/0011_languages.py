"""The content languages: English (the existing locale, named en-gb as the service names it),
French, Spanish and Arabic. Their home page and course catalogue are made when a course is
first translated (courses.loading.translation_roots_ensure)."""

from django.db import migrations

SOURCE = "en-gb"
TRANSLATIONS = ("fr", "es", "ar")


def add_languages(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    source = Locale.objects.filter(language_code__in=("en", SOURCE)).order_by("pk").first()
    if source is None:
        Locale.objects.create(language_code=SOURCE)
    elif source.language_code != SOURCE:
        source.language_code = SOURCE
        source.save(update_fields=["language_code"])
    for code in TRANSLATIONS:
        Locale.objects.get_or_create(language_code=code)


def remove_languages(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    for code in TRANSLATIONS:
        locale = Locale.objects.filter(language_code=code).first()
        # A language with pages keeps them (and so itself).
        if locale is not None and not Page.objects.filter(locale=locale).exists():
            locale.delete()
    Locale.objects.filter(language_code=SOURCE).update(language_code="en")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0010_enrolment_attempts"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(add_languages, remove_languages)]
