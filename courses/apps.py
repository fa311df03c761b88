"""App configuration for courses, and the page permissions each role holds in the page tree."""

from django.apps import AppConfig

_MEDIA = [
    f"{app}.{action}_{model}"
    for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
    for action in ("add", "change", "delete", "choose")
]

# Wagtail page permissions, granted on the root of the tree (and so on every page below it).
ROOT_PAGE_PERMISSIONS = {
    "Administrator": [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}

# Granted on the course catalogue: training leads write courses, modules and lessons there but
# hold no publish permission, so Wagtail offers them "Submit to Course review" instead of
# "Publish", and a second training lead approves (see courses.authoring).
CATALOGUE_PAGE_PERMISSIONS = {
    "Training lead": ["add_page", "change_page"],
}


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "Administrator": [*_MEDIA, "wagtailadmin.access_admin"],
        # Copying a course into another language to translate it (wagtail simple_translation).
        "Training lead": [*_MEDIA, "simple_translation.submit_translation"],
    }

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from courses.signals import package_outcome_received, site_align_after_migrate
        from packages.outcomes import package_outcome

        post_migrate.connect(site_align_after_migrate, sender=self, dispatch_uid="courses-site")
        package_outcome.connect(package_outcome_received, dispatch_uid="courses-package-outcome")

    def grant_role_object_permissions(self, *, using: str = "default") -> None:
        from courses.authoring import catalogue_page_permissions_grant, course_review_ensure
        from courses.services import root_page_permissions_grant

        root_page_permissions_grant(ROOT_PAGE_PERMISSIONS, using=using)
        catalogue_page_permissions_grant(CATALOGUE_PAGE_PERMISSIONS, using=using)
        course_review_ensure(using=using)
