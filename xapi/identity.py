"""Who statements are about: a person's pseudonymous Agent and its erasure."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from tincan import Agent, AgentAccount

from xapi.models import LearnerIdentity

# The account name the LMS signs its own statements with (LRS clients use "lrs-client/<key>").
SITE_AUTHORITY_NAME = "lms"
# The user's `learner_identity` relation, whose cached value is the person's pseudonym.
_PSEUDONYM = LearnerIdentity._meta.get_field("user").remote_field


def learner_agent(*, user: AbstractBaseUser) -> Agent:
    """The Agent a person appears as in statements: an opaque account on the site, never a
    name or an email. Creates the person's pseudonym the first time it is needed."""
    # A caller that holds the person's pseudonym already (set on the user, as the demo's
    # synthetic staff are) saves a query for every statement it records about them.
    identity = _PSEUDONYM.get_cached_value(user, default=None)
    if identity is None:
        # get_or_create retries the read when a concurrent request inserted the row first.
        identity, _ = LearnerIdentity.objects.get_or_create(user=user)
    return Agent(
        object_type="Agent",
        account=AgentAccount(home_page=settings.SITE_URL, name=str(identity.account_name)),
    )


@transaction.atomic
def learner_identity_erase(*, user: AbstractBaseUser) -> bool:
    """Forget which account name was this person's; returns whether there was one.

    Statements are immutable and stay as they are, but nothing links them to the person any
    more. Should the person learn again, they get a new, unrelated pseudonym.
    """
    deleted, _ = LearnerIdentity.objects.filter(user=user).delete()
    if _PSEUDONYM.is_cached(user):
        _PSEUDONYM.delete_cached_value(user)  # never sign again with the forgotten name
    return deleted > 0


def site_authority() -> dict:
    """The authority on statements the LMS records itself (xAPI 1.0.3 section 2.4.9)."""
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": SITE_AUTHORITY_NAME},
    }
