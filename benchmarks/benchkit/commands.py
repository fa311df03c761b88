"""Several manage.py commands in one Django process, and collecting static files when stale.

    python benchmarks/benchkit/commands.py '[["migrate", "--noinput"], ["create_lrs_client", ...]]'
        [--static]

Starting Django takes longer than most of the commands a script prepares with (a `migrate`
with nothing to apply, `create_lrs_client`), so they run one after the other in one process,
as `manage.py` would run each; --static then collects the static files for production
settings unless they are already collected (`collect_static_if_stale`). The settings and the
database come from the environment, as for manage.py. A script that has Django set up
itself calls `collect_static_if_stale` directly.
"""

import fcntl
import hashlib
import io
import json
import re
import sys
import tempfile
from pathlib import Path


def collect_static_if_stale() -> None:
    """Production serves hashed, compressed static files from STATIC_ROOT, as after a deploy:
    collect them, unless the last complete collection still holds every file as it is now.

    Collecting post-processes (hashes and compresses) every file even when none changed, which
    takes longer than anything else in starting a server; a dry run only compares times.
    """
    from django.core.management import call_command

    with open(Path(tempfile.gettempdir()) / "lms-bench-collectstatic.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs must not write the same files at once
        dry = io.StringIO()
        call_command("collectstatic", "--noinput", "--dry-run", stdout=dry)
        found = re.search(r"^(\d+) static files? copied to '(.+)'", dry.getvalue(), re.MULTILINE)
        if found:
            manifest = Path(found[2]) / "staticfiles.json"
            stamp = Path(tempfile.gettempdir()) / (
                "lms-bench-collected-" + hashlib.sha256(found[2].encode()).hexdigest()[:16]
            )
            # The stamp is written after a collection finished, so it is newer than its manifest.
            if (
                found[1] == "0"
                and manifest.exists()
                and stamp.exists()
                and stamp.stat().st_mtime >= manifest.stat().st_mtime
            ):
                return
        call_command("collectstatic", "--noinput", "--verbosity", "0", stdout=io.StringIO())
        if found:
            stamp.touch()


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.core.management import call_command

    for command in json.loads(sys.argv[1]):
        call_command(*command)
    if "--static" in sys.argv[2:]:
        collect_static_if_stale()


if __name__ == "__main__":
    main()
