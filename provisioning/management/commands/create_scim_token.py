"""Create a SCIM provisioning token and print it (once: only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from provisioning.models import ProvisioningToken, TokenScope
from provisioning.services import provisioning_token_create


class Command(BaseCommand):
    help = "Create a bearer token for an identity provider's SCIM client; prints it once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who will use it, for example 'Entra ID'.")
        parser.add_argument(
            "--scopes",
            default="all",
            help="Comma-separated: users:read, users:write, groups:read, groups:write, or all.",
        )

    def handle(self, *args, name: str, scopes: str, **options):
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        if wanted == ["all"]:
            wanted = list(TokenScope.values)
        unknown = sorted(set(wanted) - set(TokenScope.values))
        if unknown or not wanted:
            raise CommandError(
                f"Unknown scope {', '.join(unknown) or '(none)'}; use "
                f"{', '.join(TokenScope.values)} or all."
            )
        if ProvisioningToken.objects.filter(name=name.strip()).exists():
            raise CommandError(f"A token named {name!r} already exists; revoke it in the CMS.")
        _, secret = provisioning_token_create(
            name=name, scopes=wanted, via="create_scim_token command"
        )
        self.stdout.write(secret)
