"""Erase a person's learning records identity from the command line (see lms.erasure)."""

from django.core.management.base import BaseCommand, CommandError

from lms.erasure import ERASURE_EFFECTS, ErasureRefused, erasure_candidate, learner_erase


class Command(BaseCommand):
    help = (
        "Erase a person's learning records identity: their statements stay but are no longer "
        "linked to them, the evidence drawn from them is deleted and the reports are "
        "recomputed. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The person's email address.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Erase without asking for confirmation.",
        )

    def handle(self, *args, email, yes, **options):
        try:
            user = erasure_candidate(email=email)
        except ErasureRefused as refused:
            raise CommandError(str(refused)) from None
        if not yes:
            self.stdout.write(f"Erasing the learning records identity of {user.email}:")
            for effect in ERASURE_EFFECTS:
                self.stdout.write(f"- {effect}")
            try:
                answer = input("Type 'yes' to erase: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        try:
            erased = learner_erase(user=user, actor=None, via="Command line")
        except ErasureRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Erased the learning records identity of {user.email}: deleted "
            f"{erased.evidence} evidence rows and {erased.levels} levels; their statements "
            "stay, no longer linked to them; the reports were recomputed."
        )
