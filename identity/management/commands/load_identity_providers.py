"""Create or update identity providers from IDENTITY_PROVIDERS_JSON (also run after migrate)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from identity.services import ConfigurationError, identity_providers_configure


class Command(BaseCommand):
    help = "Create or update identity providers from the IDENTITY_PROVIDERS_JSON setting."

    def handle(self, *args, **options):
        if not settings.IDENTITY_PROVIDERS_JSON.strip():
            self.stdout.write("IDENTITY_PROVIDERS_JSON is empty: nothing to load.")
            return
        try:
            providers = identity_providers_configure(text=settings.IDENTITY_PROVIDERS_JSON)
        except ConfigurationError as problem:
            raise CommandError(str(problem)) from None
        for provider in providers:
            self.stdout.write(f"{provider.slug}: {provider}")
