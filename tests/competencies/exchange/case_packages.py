"""Small CASE 1.0/1.1 packages shaped as other CASE editors publish them, built for tests."""

import uuid

WHEN = "2024-05-01T09:30:00+00:00"


def node(title: str, code: str | None = None, kind: str | None = None, *children) -> dict:
    return {"title": title, "code": code, "kind": kind, "children": list(children)}


def case_package(*tree: dict, version: str | None = None, **document) -> dict:
    """A CFPackage with the given top-level nodes; each node becomes a CFItem and an isChildOf
    association to its parent. No version unless given; CFPackageURI as a bare string."""
    document_id = str(uuid.uuid4())
    package = {
        "CFDocument": {
            "identifier": document_id,
            "uri": f"https://case.example/uri/{document_id}",
            "creator": "State education agency",
            "title": "Reading standards",
            "lastChangeDateTime": WHEN,
            "CFPackageURI": f"https://case.example/ims/case/v1p0/CFPackages/{document_id}",
        }
        | ({"version": version} if version else {})
        | document,
        "CFItems": [],
        "CFAssociations": [],
    }
    parent_link = {
        "title": "Reading standards",
        "identifier": document_id,
        "uri": package["CFDocument"]["uri"],
    }

    def add(item: dict, parent: dict, sequence: int) -> None:
        identifier = str(uuid.uuid4())
        row = {
            "identifier": identifier,
            "uri": f"https://case.example/uri/{identifier}",
            "fullStatement": item["title"],
            "lastChangeDateTime": WHEN,
        }
        if item["code"]:
            row["humanCodingScheme"] = item["code"]
        if item["kind"]:
            row["CFItemType"] = item["kind"]
        package["CFItems"].append(row)
        link = {"title": item["title"], "identifier": identifier, "uri": row["uri"]}
        association_id = str(uuid.uuid4())
        package["CFAssociations"].append(
            {
                "identifier": association_id,
                "uri": f"https://case.example/uri/{association_id}",
                "associationType": "isChildOf",
                "originNodeURI": dict(link),
                "destinationNodeURI": dict(parent),
                "sequenceNumber": sequence,
                "lastChangeDateTime": WHEN,
            }
        )
        for number, child in enumerate(item["children"], start=1):
            add(child, link, number)

    for number, top in enumerate(tree, start=1):
        add(top, parent_link, number)
    return package


def standards_package(**options) -> dict:
    """Document → Standard → Cluster → Component, the shape of many state standards."""
    return case_package(
        node(
            "Reading literature",
            "RL",
            "Standard",
            node(
                "Key ideas and details",
                "RL.1",
                "Cluster",
                node("Ask and answer questions about key details.", "RL.1.1", "Component"),
                node("Retell stories, including key details.", "RL.1.2", "Component"),
            ),
            node("Compare adventures of characters.", "RL.9", "Component"),
        ),
        node(
            "Reading informational text",
            "RI",
            "Standard",
            node("Identify the main topic.", "RI.2", "Component"),
        ),
        **options,
    )


def item_id(package: dict, code: str) -> str:
    return next(i["identifier"] for i in package["CFItems"] if i.get("humanCodingScheme") == code)
