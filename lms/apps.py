"""The project package is an app only so that seed_demo is a management command."""

from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Learning platform"
