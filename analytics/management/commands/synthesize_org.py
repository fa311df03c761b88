"""Synthetic staff and learning records at scale: synthesize_org --learners N --seed S."""

import time

from django.core.management.base import BaseCommand, CommandError

from analytics.demo.organisation import synthesize_org


class Command(BaseCommand):
    help = (
        "Create N synthetic staff across the demo departments and job roles, with "
        "self-assessments, validations and course histories (enrolments, knowledge-check "
        "attempts, completions) recorded as the live flows record them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--months", type=int, default=12, help="Spread the records over this many past months."
        )
        parser.add_argument(
            "--batch", type=int, default=5000, help="Statements stored per transaction."
        )

    def handle(self, *args, learners, seed, months, batch, **options):
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        started = time.monotonic()

        def progress(plan):
            self.stderr.write(f"  {plan.statements} statements stored", ending="\r")

        try:
            plan = synthesize_org(
                learners=learners,
                seed=seed,
                months=months,
                batch=batch,
                progress=progress if options["verbosity"] > 1 else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Synthesised {plan.users} staff, {plan.statements} statements, "
            f"{plan.enrolments} enrolments ({plan.completed} completed) and "
            f"{plan.attempts} knowledge-check attempts in {seconds:.1f} s."
        )
