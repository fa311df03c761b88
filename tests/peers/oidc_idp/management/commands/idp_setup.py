"""Create (or bring in line) the test provider's one client and its people."""

from allauth.account.models import EmailAddress
from allauth.idp.oidc.models import Client
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the client and people of the test OpenID provider (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", action="append", default=[])
        parser.add_argument(
            "--person",
            action="append",
            default=[],
            help="email:password:given name:family name",
        )

    def handle(self, *args, **options):
        client = Client.objects.filter(id=options["client_id"]).first() or Client(
            id=options["client_id"]
        )
        client.name = "Learning platform"
        client.secret = make_password(options["client_secret"])
        client.set_scopes(["openid", "profile", "email"])
        client.set_default_scopes(["openid", "profile", "email"])
        client.set_redirect_uris(options["redirect_uri"])
        client.type = Client.Type.CONFIDENTIAL
        client.skip_consent = True
        client.save()
        for person in options["person"]:
            email, password, given_name, family_name = person.split(":")
            user = User.objects.filter(username=email).first() or User(username=email)
            user.email, user.first_name, user.last_name = email, given_name, family_name
            user.set_password(password)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
