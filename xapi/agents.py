"""Agent identity: a canonical key per inverse functional identifier, and who a statement names."""

from collections.abc import Iterator
from typing import Any


def agent_key(agent: dict[str, Any]) -> str | None:
    """One string per IFI, so that equal Agents or identified Groups compare equal.

    Returns None for an anonymous Group (it has no identifier of its own).
    """
    if "mbox" in agent:
        return f"mbox:{agent['mbox']}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    if "account" in agent:
        account = agent["account"]
        return f"account:{account['homePage']}|{account['name']}"
    return None


def _actor_keys(actor: dict[str, Any]) -> Iterator[str]:
    """The keys an actor matches under: its own IFI and, for a Group, each member's."""
    key = agent_key(actor)
    if key:
        yield key
    for member in actor.get("member", []) or []:
        member_key = agent_key(member)
        if member_key:
            yield member_key


def statement_agent_refs(statement: dict[str, Any]) -> dict[str, bool]:
    """Every agent key a statement names, mapped to whether it is the actor or object (the
    `agent` filter) rather than only related (the `related_agents` filter)."""
    refs: dict[str, bool] = {}

    def add(actor: Any, principal: bool) -> None:
        if isinstance(actor, dict):
            for key in _actor_keys(actor):
                refs[key] = refs.get(key, False) or principal

    add(statement.get("actor"), True)
    target = statement.get("object", {})
    if target.get("objectType") in ("Agent", "Group"):
        add(target, True)
    add(statement.get("authority"), False)
    _add_context_agents(statement.get("context", {}), add)
    if target.get("objectType") == "SubStatement":
        add(target.get("actor"), False)
        inner = target.get("object", {})
        if inner.get("objectType") in ("Agent", "Group"):
            add(inner, False)
        _add_context_agents(target.get("context", {}), add)
    return refs


def _add_context_agents(context: dict[str, Any], add) -> None:
    add(context.get("instructor"), False)
    add(context.get("team"), False)
    for item in context.get("contextAgents", []) or []:
        add(item.get("agent"), False)
    for item in context.get("contextGroups", []) or []:
        add(item.get("group"), False)


def statement_activity_refs(statement: dict[str, Any]) -> dict[str, bool]:
    """Every activity id a statement names, mapped to whether it is the object (the `activity`
    filter) rather than only related (the `related_activities` filter)."""
    refs: dict[str, bool] = {}

    def add(activity: Any, principal: bool) -> None:
        if isinstance(activity, dict) and activity.get("objectType", "Activity") == "Activity":
            activity_id = activity.get("id")
            if activity_id:
                refs[activity_id] = refs.get(activity_id, False) or principal

    def add_context(context: dict[str, Any]) -> None:
        for value in (context.get("contextActivities") or {}).values():
            for activity in value if isinstance(value, list) else [value]:
                add(activity, False)

    target = statement.get("object", {})
    add(target, True)
    add_context(statement.get("context", {}))
    if target.get("objectType") == "SubStatement":
        add(target.get("object"), False)
        add_context(target.get("context", {}))
    return refs
