"""The benchmarks' migrated-template databases, for the test suite's own PostgreSQL database."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from benchkit.migrated import create_test_database

__all__ = ["create_test_database"]
