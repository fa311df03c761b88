"""A refused cmi5 launch or waiver is explained in the reader's language."""

import pytest
from django.utils import translation

from cmi5.models import Registration, Session
from cmi5.selectors import package_aus
from cmi5.services import LaunchRefused, au_launch, au_waive
from tests.cmi5.builders import au, structure
from tests.cmi5.sessions import launch
from xapi.models import Statement

NBSP = "\u00a0"
APOS = "\u2019"  # the typographic apostrophe of French text


@pytest.mark.django_db
def test_an_unknown_launch_mode_is_refused_in_french(learner, course_package):
    with translation.override("fr"), pytest.raises(LaunchRefused) as refused:
        au_launch(
            user=learner, au=package_aus(course_package)[0], return_url="", launch_mode="Fast"
        )

    assert (refused.value.message, str(refused.value)) == (
        f"Mode de lancement inconnu{NBSP}: 'Fast'. Utilisez Normal, Browse ou Review.",
        f"Mode de lancement inconnu{NBSP}: 'Fast'. Utilisez Normal, Browse ou Review.",
    )
    assert (Registration.objects.count(), Session.objects.count()) == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (
            "Because",
            f"Le motif doit être l{APOS}un des suivants{NBSP}: "
            "Tested, Equivalent, Administrative, Unavailable.",
        ),
        ("Tested", f"Cette AU est déjà validée{NBSP}; il n{APOS}y a rien à dispenser."),
    ],
)
def test_a_waiver_that_cannot_be_given_is_refused_in_french(
    client, learner, import_course, reason, message
):
    package = import_course(structure(au("a1", move_on="NotApplicable")))
    aus = package_aus(package)
    launch(client, learner, aus[0])
    before = Statement.objects.count()

    with translation.override("fr"), pytest.raises(LaunchRefused) as refused:
        au_waive(registration=Registration.objects.get(), au=aus[0], reason=reason)

    assert refused.value.message == message
    assert Statement.objects.count() == before
