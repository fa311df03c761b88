"""A lesson's course package as the lesson page needs it: the learner's progress in it, its
cmi5 AUs, and the address that launches it, from whichever app plays the package's kind.

Courses knows packages only through these calls; the cmi5 and scorm apps know nothing of
lessons."""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy

from packages.models import Package
from packages.outcomes import PackageProgress, Status

STATUS_TEXT = {
    Status.NOT_STARTED: gettext_lazy("Not started"),
    Status.IN_PROGRESS: gettext_lazy("In progress"),
    Status.COMPLETED: gettext_lazy("Completed"),
    # Translators: a course package's status for the learner, who passed its test.
    Status.PASSED: gettext_lazy("Passed"),
    # Translators: a course package's status for the learner, who did not pass its test.
    Status.FAILED: gettext_lazy("Failed"),
}


class LaunchProblem(ValueError):
    """The package cannot be launched as asked (a unit it does not have, from a stale or
    tampered page; or the package's app refusing); the message says why."""


@dataclass(frozen=True)
class Unit:
    """One launchable part of a package: a cmi5 AU. A SCORM package launches as one unit
    (None), its player moving between SCOs."""

    key: str
    title: str


def is_cmi5(package: Package) -> bool:
    return package.kind == Package.Kind.CMI5


def package_progress(*, user, package: Package) -> PackageProgress:
    if is_cmi5(package):
        from cmi5 import selectors
    else:
        from scorm import selectors
    return selectors.package_progress(user=user, package=package)


def package_units(package: Package) -> list[Unit]:
    """The AUs of a cmi5 course in course order; none for a SCORM package."""
    if not is_cmi5(package):
        return []
    from cmi5.selectors import package_aus

    return [Unit(key=str(au.pk), title=str(au)) for au in package_aus(package)]


def package_launch(
    *, user, package: Package, return_url: str, unit: str | None, preview: bool = False
) -> str:
    """The address that starts or resumes the package (a cmi5 AU named by `unit`, which a cmi5
    package requires; a SCORM package where its sequencing or the learner's resume point
    says). Raises LaunchProblem when `unit` is not one of the package's AUs, or the package
    cannot be launched."""
    if is_cmi5(package):
        from cmi5.selectors import package_aus
        from cmi5.services import LaunchRefused, au_launch

        au = next((each for each in package_aus(package) if str(each.pk) == unit), None)
        if au is None:
            raise LaunchProblem(gettext("Choose one of this course's units to start."))
        try:
            return au_launch(user=user, au=au, return_url=return_url, preview=preview)
        except LaunchRefused as refused:
            raise LaunchProblem(str(refused)) from None
    if unit:
        raise LaunchProblem(gettext("This package starts as a whole; it has no units to choose."))
    from scorm.services import LaunchRefused, sco_launch

    try:
        return sco_launch(user=user, package=package, return_url=return_url, preview=preview)
    except LaunchRefused as refused:
        raise LaunchProblem(str(refused)) from None


def launch_label(progress: PackageProgress) -> str:
    """What the launch button says: where the learner is, in their words."""
    if progress.status == Status.NOT_STARTED:
        # Translators: the button that launches a course package.
        return gettext("Start")
    if progress.can_resume:
        return gettext("Resume")
    return gettext("Start again")


@dataclass(frozen=True)
class LessonPackage:
    """What the lesson page shows of its package: the learner's status, score and the
    launch buttons' words (progress None in a preview, or for someone not enrolled)."""

    package: Package
    units: list[Unit]
    progress: PackageProgress | None

    @property
    def status_text(self) -> str:
        return str(STATUS_TEXT[self.progress.status]) if self.progress else ""

    @property
    def score_percent(self) -> int | None:
        score = self.progress.score_scaled if self.progress else None
        return round(100 * score) if score is not None else None

    @property
    def button(self) -> str:
        return launch_label(self.progress) if self.progress else gettext("Start")


def lesson_package(lesson, *, user, enrolled: bool) -> LessonPackage | None:
    """The lesson's package for its page, or None when it has none (or its package was
    deleted). Progress is read only for an enrolled learner."""
    block = lesson.package_block()
    package = block.value.get("package") if block is not None else None
    if package is None:
        return None
    progress = package_progress(user=user, package=package) if enrolled else None
    return LessonPackage(package=package, units=package_units(package), progress=progress)
