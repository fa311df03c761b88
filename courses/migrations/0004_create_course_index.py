"""Create the course catalogue page under the home page, so every install has one."""

from django.db import migrations


def create_course_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("courses.HomePage")
    CourseIndexPage = apps.get_model("courses.CourseIndexPage")
    home = HomePage.objects.filter(depth=2).first()
    if home is None or CourseIndexPage.objects.exists():
        return
    index_type, _ = ContentType.objects.get_or_create(model="courseindexpage", app_label="courses")
    CourseIndexPage.objects.create(
        title="Courses",
        draft_title="Courses",
        slug="courses",
        content_type=index_type,
        path=f"{home.path}0001",
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}courses/",
        locale_id=home.locale_id,
        intro="",
    )
    home.numchild += 1
    home.save(update_fields=["numchild"])


def remove_course_index(apps, schema_editor):
    apps.get_model("courses.CourseIndexPage").objects.filter(depth=3, slug="courses").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_courseindexpage_coursepage_lessonpage_modulepage_and_more"),
    ]

    operations = [migrations.RunPython(create_course_index, remove_course_index)]
