"""The question after a person's first sign-in: which department and job role are yours?

Asked once, of people who signed themselves up or whose first sign-in through an identity
provider said nothing of their place. The answer is the person's own word, so it places them
nowhere: it becomes a correction that their line manager or an administrator decides, as on
the profile page. Skipping is remembered as well as answering.
"""

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import FirstSteps, User
from organisations.models import Department, JobRole, Membership, MembershipRequest
from organisations.services import membership_request_create


def place_known(user: User) -> bool:
    """An authority has placed the person, or they have already asked to be placed."""
    placed = Membership.objects.filter(user=user).exclude(department=None, job_role=None).exists()
    return placed or MembershipRequest.objects.filter(user=user).exists()


def first_steps_due(user: User) -> bool:
    return user.first_steps == FirstSteps.DUE and not place_known(user)


def first_sign_in_step(request: HttpRequest, user: User) -> str | None:
    """Named by ACCOUNT_FIRST_SIGN_IN_STEP: the question's address while it is due. A person
    whom an authority placed meanwhile (the identity provider at this very sign-in, the roster,
    SCIM) is never asked."""
    if user.first_steps != FirstSteps.DUE:
        return None
    if Membership.objects.filter(user=user).exclude(department=None, job_role=None).exists():
        _first_steps_set(user, FirstSteps.NOT_ASKED)
        return None
    if MembershipRequest.objects.filter(user=user).exists():
        _first_steps_set(user, FirstSteps.ANSWERED)
        return None
    return reverse("first_steps")


def _first_steps_set(user: User, value: str) -> None:
    user.first_steps = value
    user.save(update_fields=["first_steps"])


@transaction.atomic
def first_steps_answer(
    *, user: User, department: Department | None, job_role: JobRole | None
) -> MembershipRequest:
    """The person's answer: a correction waiting for approval, and the question not asked again."""
    request = membership_request_create(
        user=user,
        department=department,
        job_role=job_role,
        reason="Given by the person after their first sign-in.",
    )
    _first_steps_set(user, FirstSteps.ANSWERED)
    return request


def first_steps_skip(*, user: User) -> None:
    _first_steps_set(user, FirstSteps.SKIPPED)
