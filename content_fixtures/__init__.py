"""Declarative demo content (JSON), read by seed_demo and loaded through each app's services."""

import json
from pathlib import Path
from typing import Any

FIXTURES_DIR = Path(__file__).resolve().parent


def read(name: str) -> Any:
    """The parsed contents of one fixture file, e.g. read("organisation")."""
    return json.loads((FIXTURES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def names(folder: str) -> list[str]:
    """The fixture names in a folder, in file-name order, e.g. names("courses")."""
    return [f"{folder}/{path.stem}" for path in sorted((FIXTURES_DIR / folder).glob("*.json"))]
