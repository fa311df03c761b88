"""What the player page needs for one SCO: the navigation sequencing allows, the CMI data the
runtime starts from, and where it commits."""

from dataclasses import dataclass
from urllib.parse import unquote, urlencode

from django.urls import reverse

from packages.models import Package
from packages.serving import content_url
from scorm.models import Attempt, Sco, ScoState
from xapi.identity import learner_agent

# Content never learns who the learner is: it gets the pseudonymous account and this name.
LEARNER_NAME = "Learner"


@dataclass(frozen=True)
class NavLink:
    identifier: str
    title: str
    url: str | None  # None: sequencing does not let the learner open it now
    current: bool
    completed: bool


@dataclass(frozen=True)
class PlayerPage:
    package: Package
    version: str
    sco: Sco
    sco_url: str
    position: int
    count: int
    previous_url: str | None
    next_url: str | None
    contents: list[NavLink]  # empty when sequencing does not let the learner choose
    available: bool  # False: a pre-condition rule disables this SCO for now
    cmi: dict
    commit_url: str | None  # None in preview: nothing leaves the browser
    navigation_url: str | None  # where the player asks for its navigation after a commit
    return_url: str
    preview: bool

    def runtime_settings(self) -> dict:
        """The player script's settings, as JSON in the page."""
        return {
            "version": self.version,
            "cmi": self.cmi,
            "commitUrl": self.commit_url,
            "navigationUrl": self.navigation_url,
            "returnUrl": self.return_url,
            "previousUrl": self.previous_url,
            "nextUrl": self.next_url,
            "choiceUrls": {link.identifier: link.url for link in self.contents if link.url},
        }


def sco_address(package: Package, sco: Sco) -> str:
    """The SCO's launch file on the content origin, with the query its manifest gives it."""
    path, _, query = sco.href.partition("?")
    path = path.partition("#")[0]
    return content_url(package, unquote(path)) + (f"?{query}" if query else "")


def _time_12(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}"


def _time_2004(seconds: float) -> str:
    # Fixed-point: a long total must not turn into 1.2e+06.
    text = f"{seconds:.2f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def _blank(value) -> str:
    return "" if value is None else f"{value:g}"


def initial_cmi(*, sco: Sco, version: str, state: ScoState | None, learner_id: str, credit: bool):
    """The data model the runtime starts with: a first visit ab-initio, a suspended SCO resumes
    with its location and suspend data, another visit of a SCORM 1.2 SCO keeps its data."""
    stored = state.cmi if state is not None else {}
    if state is None or state.commits == 0:
        entry = "ab-initio"
    elif state.exit == "suspend":
        entry = "resume"
    else:
        entry = ""
    total = state.total_seconds if state is not None else 0.0
    if version == "1.2":
        core = dict(stored.get("core", {})) if entry != "ab-initio" else {}
        return {
            "core": {
                "student_id": learner_id,
                "student_name": LEARNER_NAME,
                "lesson_location": core.get("lesson_location", ""),
                "lesson_status": core.get("lesson_status") or "not attempted",
                "score": core.get("score") or {},
                "credit": "credit" if credit else "no-credit",
                "lesson_mode": "normal",
                "entry": entry,
                "total_time": _time_12(total),
            },
            "suspend_data": stored.get("suspend_data", "") if entry != "ab-initio" else "",
            "launch_data": sco.launch_data,
            "student_data": {
                "mastery_score": _blank(sco.mastery_score),
                "max_time_allowed": sco.max_time_allowed,
                "time_limit_action": sco.time_limit_action,
            },
        }
    # SCORM 2004: unless the SCO suspended, a new visit is a new attempt on the activity, which
    # starts from a fresh data model (SCORM 2004 RTE 4.2.8).
    kept = stored if entry == "resume" else {}
    cmi = {
        "learner_id": learner_id,
        "learner_name": LEARNER_NAME,
        "entry": "resume" if entry == "resume" else "ab-initio",
        "credit": "credit" if credit else "no-credit",
        "mode": "normal",
        "launch_data": sco.launch_data,
        "location": kept.get("location", ""),
        "suspend_data": kept.get("suspend_data", ""),
        "total_time": _time_2004(total if entry == "resume" else 0.0),
    }
    for key in ("completion_status", "success_status", "progress_measure", "score"):
        if kept.get(key):
            cmi[key] = kept[key]
    if sco.scaled_passing_score is not None:
        cmi["scaled_passing_score"] = _blank(sco.scaled_passing_score)
    if sco.completion_threshold is not None:
        cmi["completion_threshold"] = _blank(sco.completion_threshold)
    return cmi


def player_page(
    *,
    package: Package,
    sco: Sco,
    player_url: str,
    attempt: Attempt | None,
    state: ScoState | None,
    user,
    return_url: str,
    blocked: dict[str, set[str]] | None = None,
) -> PlayerPage:
    """`attempt` None is a preview: no commit address, no credit, nothing remembered.
    `blocked`: what pre-condition rules do to each SCO now (none in a preview, which a
    reviewer must be able to walk through whole)."""
    scorm = package.scorm
    scos = list(package.scos.order_by("position"))
    blocked = blocked or {}
    index = next(i for i, each in enumerate(scos) if each.pk == sco.pk)
    completed = set()
    if attempt is not None:
        completed = set(
            attempt.states.filter(completion_status="completed").values_list("sco_id", flat=True)
        )

    def url(target: Sco) -> str:
        return f"{player_url}?{urlencode({'sco': target.identifier})}"

    def actions(target: Sco) -> set[str]:
        return blocked.get(target.identifier, set())

    def flow_to(step: int) -> str | None:
        # Flow passes over skipped items and stops at a disabled one (IMS SS flow subprocess).
        position = index + step
        while 0 <= position < len(scos) and "skip" in actions(scos[position]):
            position += step
        if not 0 <= position < len(scos) or "disabled" in actions(scos[position]):
            return None
        return url(scos[position])

    previous_url = next_url = None
    if scorm.flow:
        previous_url = None if scorm.forward_only else flow_to(-1)
        next_url = flow_to(1)
    contents = []
    if scorm.choice and len(scos) > 1:
        # forwardOnly forbids choosing an activity behind the current one (SCORM 2004 SN).
        reachable = scos[index:] if scorm.forward_only else scos
        contents = [
            NavLink(
                each.identifier,
                each.title,
                None if "disabled" in actions(each) else url(each),
                each.pk == sco.pk,
                each.pk in completed,
            )
            for each in reachable
            if "hiddenFromChoice" not in actions(each) or each.pk == sco.pk
        ]
    learner_id = str(learner_agent(user=user).account.name) if attempt is not None else "preview"
    commit_url = navigation_url = None
    if attempt is not None:
        commit_url = reverse("scorm:commit", args=[attempt.token, sco.uuid])
        navigation_url = url(sco).replace(
            player_url, reverse("scorm:navigation", args=[attempt.token]), 1
        )
    return PlayerPage(
        package=package,
        version=scorm.version,
        sco=sco,
        sco_url=sco_address(package, sco),
        position=index + 1,
        count=len(scos),
        previous_url=previous_url,
        next_url=next_url,
        contents=contents,
        available="disabled" not in actions(sco),
        cmi=initial_cmi(
            sco=sco,
            version=scorm.version,
            state=state,
            learner_id=learner_id,
            credit=attempt is not None,
        ),
        commit_url=commit_url,
        navigation_url=navigation_url,
        return_url=return_url,
        preview=attempt is None,
    )
