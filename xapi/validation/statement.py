"""Validation of whole statements against xAPI 1.0.3 and 2.0.0 (IEEE 9274.1.1).

Each check raises XapiValidationError naming the property at fault. The rules follow the
specification's MUSTs for a strict LRS: unknown properties, nulls and wrong types are refused.
"""

from typing import Any

from xapi.validation.errors import XapiValidationError
from xapi.validation.json_values import check_storable
from xapi.validation.primitives import (
    check_bool,
    check_duration,
    check_extensions,
    check_iri,
    check_keys,
    check_language_map,
    check_language_tag,
    check_mbox,
    check_number,
    check_object,
    check_sha1,
    check_string,
    check_uuid,
    parse_timestamp,
)
from xapi.vocab import VERB_VOIDED

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = {"objectType", "name", *IFI_KEYS}
GROUP_KEYS = {"objectType", "name", "member", *IFI_KEYS}
STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_KEYS = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}
# Which interaction component lists each interaction type may carry.
COMPONENT_LISTS = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
}
CONTEXT_KEYS_1 = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_KEYS_2 = CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}


class StatementValidator:
    """Validates one statement for a given xAPI version ("1.0.3" or "2.0.0")."""

    def __init__(self, version: str = "1.0.3") -> None:
        self.is_v2 = version.startswith("2.")

    # -- statements -------------------------------------------------------------------------

    def statement(self, data: Any, path: str = "statement") -> dict:
        check_object(data, path)
        check_keys(data, STATEMENT_KEYS, path)
        for required in ("actor", "verb", "object"):
            if required not in data:
                raise XapiValidationError("is required", f"{path}.{required}")
        if "id" in data:
            check_uuid(data["id"], f"{path}.id")
        self.actor(data["actor"], f"{path}.actor")
        self.verb(data["verb"], f"{path}.verb")
        self.object(data["object"], f"{path}.object", allow_substatement=True)
        if "result" in data:
            self.result(data["result"], f"{path}.result")
        if "context" in data:
            self.context(data["context"], f"{path}.context", data["object"])
        if "timestamp" in data:
            parse_timestamp(data["timestamp"], f"{path}.timestamp", require_offset=self.is_v2)
        if "stored" in data:
            parse_timestamp(data["stored"], f"{path}.stored")
        if "authority" in data:
            self.authority(data["authority"], f"{path}.authority")
        if "version" in data:
            self.version(data["version"], f"{path}.version")
        if "attachments" in data:
            self.attachments(data["attachments"], f"{path}.attachments")
        if data["verb"]["id"] == VERB_VOIDED:
            target = data["object"]
            if target.get("objectType") != "StatementRef":
                raise XapiValidationError(
                    "a voiding statement's object must be a StatementRef", f"{path}.object"
                )
        return data

    def version(self, value: Any, path: str) -> None:
        check_string(value, path)
        head = value.split(".")
        valid = (
            len(head) in (2, 3)
            and head[0] in ("1", "2")
            and head[1] == "0"
            and (len(head) == 2 or head[2].isdigit())
        )
        if not valid:
            raise XapiValidationError("must be 1.0, 1.0.x, 2.0 or 2.0.x", path)

    def substatement(self, data: dict, path: str) -> None:
        check_keys(data, SUBSTATEMENT_KEYS, path)
        for required in ("actor", "verb", "object"):
            if required not in data:
                raise XapiValidationError("is required", f"{path}.{required}")
        self.actor(data["actor"], f"{path}.actor")
        self.verb(data["verb"], f"{path}.verb")
        self.object(data["object"], f"{path}.object", allow_substatement=False)
        if "result" in data:
            self.result(data["result"], f"{path}.result")
        if "context" in data:
            self.context(data["context"], f"{path}.context", data["object"])
        if "timestamp" in data:
            parse_timestamp(data["timestamp"], f"{path}.timestamp", require_offset=self.is_v2)
        if "attachments" in data:
            self.attachments(data["attachments"], f"{path}.attachments")

    # -- actors -----------------------------------------------------------------------------

    def actor(self, data: Any, path: str) -> None:
        check_object(data, path)
        if data.get("objectType") == "Group":
            self.group(data, path)
        else:
            self.agent(data, path)

    def agent(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, AGENT_KEYS, path)
        if "objectType" in data and data["objectType"] != "Agent":
            raise XapiValidationError('must be "Agent"', f"{path}.objectType")
        if "name" in data:
            check_string(data["name"], f"{path}.name")
        if self._ifi(data, path) != 1:
            raise XapiValidationError(
                "an Agent needs exactly one identifier: mbox, mbox_sha1sum, openid or account", path
            )

    def group(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, GROUP_KEYS, path)
        if data.get("objectType") != "Group":
            raise XapiValidationError('must be "Group"', f"{path}.objectType")
        if "name" in data:
            check_string(data["name"], f"{path}.name")
        identifiers = self._ifi(data, path)
        if identifiers > 1:
            raise XapiValidationError("a Group may have at most one identifier", path)
        if "member" in data:
            members = data["member"]
            if not isinstance(members, list):
                raise XapiValidationError("must be an array of Agents", f"{path}.member")
            for index, member in enumerate(members):
                check_object(member, f"{path}.member[{index}]")
                if member.get("objectType") == "Group":
                    raise XapiValidationError(
                        "a Group's members must be Agents, not Groups", f"{path}.member[{index}]"
                    )
                self.agent(member, f"{path}.member[{index}]")
        if identifiers == 0 and not data.get("member"):
            raise XapiValidationError("an anonymous Group must list its members", f"{path}.member")

    def _ifi(self, data: dict, path: str) -> int:
        count = 0
        if "mbox" in data:
            check_mbox(data["mbox"], f"{path}.mbox")
            count += 1
        if "mbox_sha1sum" in data:
            check_sha1(data["mbox_sha1sum"], f"{path}.mbox_sha1sum")
            count += 1
        if "openid" in data:
            check_iri(data["openid"], f"{path}.openid")
            count += 1
        if "account" in data:
            self.account(data["account"], f"{path}.account")
            count += 1
        return count

    def account(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, {"homePage", "name"}, path)
        if "homePage" not in data or "name" not in data:
            raise XapiValidationError("an account needs both homePage and name", path)
        check_iri(data["homePage"], f"{path}.homePage")
        check_string(data["name"], f"{path}.name")

    def authority(self, data: Any, path: str) -> None:
        check_object(data, path)
        if data.get("objectType") == "Group":
            self.group(data, path)
            if self._ifi(data, path) or len(data.get("member", [])) != 2:
                raise XapiValidationError(
                    "a Group authority must be anonymous with exactly two members", path
                )
        else:
            self.agent(data, path)

    # -- verbs and objects ------------------------------------------------------------------

    def verb(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, {"id", "display"}, path)
        if "id" not in data:
            raise XapiValidationError("is required", f"{path}.id")
        check_iri(data["id"], f"{path}.id")
        if "display" in data:
            check_language_map(data["display"], f"{path}.display")

    def object(self, data: Any, path: str, *, allow_substatement: bool) -> None:
        check_object(data, path)
        kind = data.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(data, path)
        elif kind == "Agent":
            self.agent(data, path)
        elif kind == "Group":
            self.group(data, path)
        elif kind == "StatementRef":
            self.statement_ref(data, path)
        elif kind == "SubStatement":
            if not allow_substatement:
                raise XapiValidationError("a SubStatement cannot contain a SubStatement", path)
            self.substatement(data, path)
        else:
            raise XapiValidationError(
                "objectType must be Activity, Agent, Group, StatementRef or SubStatement",
                f"{path}.objectType",
            )

    def statement_ref(self, data: dict, path: str) -> None:
        check_keys(data, {"objectType", "id"}, path)
        if data.get("objectType") != "StatementRef":
            raise XapiValidationError('must be "StatementRef"', f"{path}.objectType")
        if "id" not in data:
            raise XapiValidationError("is required", f"{path}.id")
        check_uuid(data["id"], f"{path}.id")

    def activity(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, {"objectType", "id", "definition"}, path)
        if "objectType" in data and data["objectType"] != "Activity":
            raise XapiValidationError('must be "Activity"', f"{path}.objectType")
        if "id" not in data:
            raise XapiValidationError("is required", f"{path}.id")
        check_iri(data["id"], f"{path}.id")
        if "definition" in data:
            self.definition(data["definition"], f"{path}.definition")

    def definition(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, DEFINITION_KEYS, path)
        for key in ("name", "description"):
            if key in data:
                check_language_map(data[key], f"{path}.{key}")
        if "type" in data:
            check_iri(data["type"], f"{path}.type")
        if "moreInfo" in data:
            check_iri(data["moreInfo"], f"{path}.moreInfo")
        if "extensions" in data:
            check_extensions(data["extensions"], f"{path}.extensions")
        interaction = data.get("interactionType")
        if interaction is not None and (
            not isinstance(interaction, str) or interaction not in INTERACTION_TYPES
        ):
            raise XapiValidationError(
                f"must be one of {', '.join(sorted(INTERACTION_TYPES))}", f"{path}.interactionType"
            )
        lists = {"choices", "scale", "source", "target", "steps"} & set(data)
        if ("correctResponsesPattern" in data or lists) and interaction is None:
            raise XapiValidationError(
                "interaction properties need an interactionType", f"{path}.interactionType"
            )
        if "correctResponsesPattern" in data:
            pattern = data["correctResponsesPattern"]
            if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
                raise XapiValidationError(
                    "must be an array of strings", f"{path}.correctResponsesPattern"
                )
        allowed = COMPONENT_LISTS.get(interaction or "", set())
        for key in lists:
            if key not in allowed:
                raise XapiValidationError(
                    f"is not used with interactionType {interaction!r}", f"{path}.{key}"
                )
            self.components(data[key], f"{path}.{key}")

    def components(self, data: Any, path: str) -> None:
        if not isinstance(data, list):
            raise XapiValidationError("must be an array of interaction components", path)
        seen = set()
        for index, component in enumerate(data):
            where = f"{path}[{index}]"
            check_object(component, where)
            check_keys(component, {"id", "description"}, where)
            if "id" not in component:
                raise XapiValidationError("is required", f"{where}.id")
            check_string(component["id"], f"{where}.id")
            if component["id"] in seen:
                raise XapiValidationError("interaction component ids must be distinct", where)
            seen.add(component["id"])
            if "description" in component:
                check_language_map(component["description"], f"{where}.description")

    # -- result and context -----------------------------------------------------------------

    def result(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(
            data, {"score", "success", "completion", "response", "duration", "extensions"}, path
        )
        if "score" in data:
            self.score(data["score"], f"{path}.score")
        for key in ("success", "completion"):
            if key in data:
                check_bool(data[key], f"{path}.{key}")
        if "response" in data:
            check_string(data["response"], f"{path}.response")
        if "duration" in data:
            check_duration(data["duration"], f"{path}.duration")
        if "extensions" in data:
            check_extensions(data["extensions"], f"{path}.extensions")

    def score(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, {"scaled", "raw", "min", "max"}, path)
        for key in data:
            check_number(data[key], f"{path}.{key}")
        if "scaled" in data and not -1 <= data["scaled"] <= 1:
            raise XapiValidationError("must be between -1 and 1", f"{path}.scaled")
        low, high = data.get("min"), data.get("max")
        if low is not None and high is not None and low >= high:
            raise XapiValidationError("min must be less than max", path)
        if "raw" in data:
            if low is not None and data["raw"] < low:
                raise XapiValidationError("raw must not be below min", f"{path}.raw")
            if high is not None and data["raw"] > high:
                raise XapiValidationError("raw must not be above max", f"{path}.raw")

    def context(self, data: Any, path: str, statement_object: dict) -> None:
        check_object(data, path)
        check_keys(data, CONTEXT_KEYS_2 if self.is_v2 else CONTEXT_KEYS_1, path)
        if "registration" in data:
            check_uuid(data["registration"], f"{path}.registration")
        if "instructor" in data:
            self.actor(data["instructor"], f"{path}.instructor")
        if "team" in data:
            self.group(data["team"], f"{path}.team")
        if "contextActivities" in data:
            self.context_activities(data["contextActivities"], f"{path}.contextActivities")
        if statement_object.get("objectType", "Activity") != "Activity":
            for key in ("revision", "platform"):
                if key in data:
                    raise XapiValidationError(
                        f"{key} is only for statements about an Activity", f"{path}.{key}"
                    )
        for key in ("revision", "platform"):
            if key in data:
                check_string(data[key], f"{path}.{key}")
        if "language" in data:
            check_language_tag(data["language"], f"{path}.language")
        if "statement" in data:
            check_object(data["statement"], f"{path}.statement")
            if "objectType" not in data["statement"]:
                raise XapiValidationError("is required", f"{path}.statement.objectType")
            self.statement_ref(data["statement"], f"{path}.statement")
        if "extensions" in data:
            check_extensions(data["extensions"], f"{path}.extensions")
        if "contextAgents" in data:
            self.context_agents(data["contextAgents"], f"{path}.contextAgents", "contextAgent")
        if "contextGroups" in data:
            self.context_agents(data["contextGroups"], f"{path}.contextGroups", "contextGroup")

    def context_activities(self, data: Any, path: str) -> None:
        check_object(data, path)
        check_keys(data, {"parent", "grouping", "category", "other"}, path)
        for key, value in data.items():
            activities = value if isinstance(value, list) else [value]
            for index, activity in enumerate(activities):
                self.activity(activity, f"{path}.{key}[{index}]")

    def context_agents(self, data: Any, path: str, kind: str) -> None:
        if not isinstance(data, list):
            raise XapiValidationError("must be an array", path)
        member = "agent" if kind == "contextAgent" else "group"
        for index, item in enumerate(data):
            where = f"{path}[{index}]"
            check_object(item, where)
            check_keys(item, {"objectType", member, "relevantTypes"}, where)
            if item.get("objectType") != kind:
                raise XapiValidationError(f'must be "{kind}"', f"{where}.objectType")
            if member not in item:
                raise XapiValidationError("is required", f"{where}.{member}")
            if member == "agent":
                self.agent(item["agent"], f"{where}.agent")
            else:
                self.group(item["group"], f"{where}.group")
            if "relevantTypes" in item:
                types = item["relevantTypes"]
                if not isinstance(types, list) or not types:
                    raise XapiValidationError("must be a non-empty array of IRIs", where)
                for position, iri in enumerate(types):
                    check_iri(iri, f"{where}.relevantTypes[{position}]")

    # -- attachments ------------------------------------------------------------------------

    def attachments(self, data: Any, path: str) -> None:
        if not isinstance(data, list):
            raise XapiValidationError("must be an array", path)
        for index, item in enumerate(data):
            where = f"{path}[{index}]"
            check_object(item, where)
            check_keys(
                item,
                {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
                where,
            )
            for required in ("usageType", "display", "contentType", "length", "sha2"):
                if required not in item:
                    raise XapiValidationError("is required", f"{where}.{required}")
            check_iri(item["usageType"], f"{where}.usageType")
            check_language_map(item["display"], f"{where}.display")
            if "description" in item:
                check_language_map(item["description"], f"{where}.description")
            check_string(item["contentType"], f"{where}.contentType")
            if isinstance(item["length"], bool) or not isinstance(item["length"], int):
                raise XapiValidationError("must be an integer", f"{where}.length")
            check_string(item["sha2"], f"{where}.sha2")
            if "fileUrl" in item:
                check_iri(item["fileUrl"], f"{where}.fileUrl")


def validate_statement(data: Any, *, version: str = "1.0.3") -> dict:
    """Validate one statement; returns it unchanged, or raises XapiValidationError."""
    check_storable(data, "statement")
    return StatementValidator(version).statement(data)
