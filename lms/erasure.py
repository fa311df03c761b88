"""Erasing a person's learning records identity: one service for the CMS and the command line.

It lives in the project package because it spans apps: the LRS forgets the pseudonym, the
reporting store loses the evidence that pointed at it, the reports are recomputed without it,
and the audit trail records who did it, to whom and when.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.audit import audit_record
from accounts.models import User
from analytics.models import Evidence, Proficiency
from analytics.reports.refresh import refresh_reports
from xapi.identity import learner_identity_erase
from xapi.models import LearnerIdentity

# What erasure does, in the words the confirmation page and the command show (in English
# here; the pages translate each one as they show it).
ERASURE_EFFECTS = (
    gettext_noop(
        "The link between the person and the pseudonymous account name their learning records "
        "are stored under is deleted. It cannot be restored."
    ),
    gettext_noop(
        "Their learning records (xAPI statements) stay in the learning record store, unchanged, "
        "but nothing links them to the person any more."
    ),
    gettext_noop(
        "The evidence of their skills drawn from those records, and the levels worked out from it, "
        "are deleted."
    ),
    gettext_noop("The skill-gap reports are recomputed without them."),
    gettext_noop(
        "Their account, their place in the organisation, their course enrolments, their "
        "self-assessment answers and their line manager's confirmations stay with their account: "
        "closing or deleting the account is a separate step. If they learn again, their new "
        "records are stored under a new, unrelated pseudonym."
    ),
)


class ErasureRefused(Exception):
    """Erasure cannot go ahead; the message says why, in words for the person asking."""


@dataclass(frozen=True)
class Erased:
    user: User
    evidence: int
    levels: int


def erasure_candidate(*, email: str) -> User:
    """The person with this email address who has a learning records identity to erase."""
    address = email.strip()
    if not address:
        raise ErasureRefused(_("Enter the email address of the person whose records to erase."))
    user = User.objects.filter(email__iexact=address).first()
    if user is None:
        raise ErasureRefused(
            _("There is no account with the email address %(email)s.") % {"email": address}
        )
    if not LearnerIdentity.objects.filter(user=user).exists():
        raise ErasureRefused(
            _("%(email)s has no learning records identity: there is nothing to erase.")
            % {"email": user.email}
        )
    return user


def learner_erase(*, user: User, actor: User | None, via: str) -> Erased:
    """Delete the person's pseudonymous identity and the evidence drawn from it, record who did
    it in the audit trail (in the same transaction), then recompute the reports."""
    with transaction.atomic():
        identity = LearnerIdentity.objects.select_for_update().filter(user=user).first()
        if identity is None:
            raise ErasureRefused(
                _("%(email)s has no learning records identity: there is nothing to erase.")
                % {"email": user.email}
            )
        evidence = Evidence.objects.filter(learner=identity).count()
        levels = Proficiency.objects.filter(learner=identity).count()
        learner_identity_erase(user=user)
        # The pseudonym itself is never written here: the trail would link it to the person.
        audit_record(
            instance=user,
            action="lms.learner.erase",
            actor=actor,
            before={"learning_records_identity": True, "evidence": evidence, "levels": levels},
            after={"learning_records_identity": False, "evidence": 0, "levels": 0},
            via=via,
        )
    refresh_reports()
    return Erased(user=user, evidence=evidence, levels=levels)
