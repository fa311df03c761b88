"""Create (or update) Basic-auth LRS credentials: create_lrs_client NAME --key K --secret S."""

from django.core.management.base import BaseCommand, CommandError

from xapi.models.clients import SCOPE_NAMES, TRUSTED_EVIDENCE_NAMES
from xapi.services import lrs_client_upsert


class Command(BaseCommand):
    help = "Create or update an LRS client with a Basic-auth key and secret (idempotent on NAME)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--key", required=True)
        parser.add_argument("--secret", required=True)
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=["all"],
            help=f"One or more of: {', '.join(sorted(SCOPE_NAMES))}",
        )
        parser.add_argument(
            "--trust",
            nargs="*",
            default=None,
            help="Evidence that claims authority this client may send, none or more of: "
            f"{', '.join(sorted(TRUSTED_EVIDENCE_NAMES))}. Left out: an existing client "
            "keeps its trust, a new one has none.",
        )

    def handle(self, *args, name, key, secret, scopes, trust, **options):
        scopes = [s for scope in scopes for s in scope.split(",") if s]
        unknown = set(scopes) - SCOPE_NAMES
        if unknown:
            raise CommandError(f"Unknown scopes: {', '.join(sorted(unknown))}")
        if trust is not None:
            trust = [t for kinds in trust for t in kinds.split(",") if t]
        try:
            client, created = lrs_client_upsert(
                name=name,
                key=key,
                secret=secret,
                scopes=scopes,
                trusted_evidence=trust,
                via="create_lrs_client command",
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        verb = "Created" if created else "Updated"
        scopes = ", ".join(client.scopes)
        trusted = ", ".join(client.trusted_evidence) or "none"
        self.stdout.write(
            f"{verb} LRS client {client.name!r} (key {client.key}, scopes {scopes}, "
            f"trusted evidence {trusted})."
        )
