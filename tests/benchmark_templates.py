"""The benchmarks' migrated-template databases, for the test suite's own databases."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from benchkit.migrated import copy_migrated_sqlite_into, create_test_database

__all__ = ["copy_migrated_sqlite_into", "create_test_database"]
