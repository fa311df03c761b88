"""Every process names the same migrated template, wherever it was started from.

The test suite runs with the checkout's root on its path and the benchmark scripts with
`benchmarks/`; a key that differed between them would migrate a second template in every CI
run (most of a minute of a busy machine, once per database).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_KEY = "from benchkit import migrated; print(migrated.migrations_key())"


def key_computed_in(cwd: Path, *path: Path) -> str:
    code = "import sys; " + "".join(f"sys.path.insert(0, {str(p)!r}); " for p in path)
    done = subprocess.run(
        [sys.executable, "-c", code + PRINT_KEY],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_suite_and_the_benchmark_scripts_name_the_same_template():
    from_the_root = key_computed_in(ROOT, ROOT / "benchmarks", ROOT)
    like_a_script = key_computed_in(ROOT / "benchmarks", ROOT / "benchmarks")

    assert (len(from_the_root), from_the_root) == (16, like_a_script)
