"""The translation catalogues: gathering every marked string, and checking none is left
untranslated or fuzzy.

    python -m lms.catalogues gather   # makemessages for every language (make messages)
    python -m lms.catalogues check    # gathers into a copy of the project, then checks it

`check` gathers first, so a string marked for translation since the catalogues were last
completed shows up as an empty entry; it works on a copy so that the project's own files stay
as they are (CI runs it beside the tests, which read the compiled catalogues). Prints each
problem with its catalogue and exits non-zero if there is any.
"""

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "tests", "benchmarks", "media", "var", "staticfiles"}
LANGUAGES = ("fr", "es", "ar")
# Besides SKIPPED: what holds no string of the service (data, documentation, built files).
NOT_GATHERED = (*sorted(SKIPPED), "static/dist", "docs", "content_fixtures", "build")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text}")
    return text[1:-1].encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def entries(po: str) -> list[Entry]:
    """The entries of a PO file's text (comments other than flags are left out)."""
    found: list[Entry] = []
    entry, last = Entry(), None

    def close():
        nonlocal entry, last
        if entry.msgid or entry.msgstr:
            found.append(entry)
        entry, last = Entry(), None

    for raw in po.splitlines():
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            if last is not None:
                close()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if last is not None:
                close()
            continue
        if line.startswith("msgid_plural "):
            entry.msgid_plural, last = _unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgid "):
            if last is not None and last != "msgctxt":
                close()
            entry.msgid, last = _unquote(line[6:]), "msgid"
        elif line.startswith("msgctxt "):
            if last is not None:
                close()
            last = "msgctxt"
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            entry.msgstr[index], last = _unquote(line[line.index("]") + 1 :]), index
        elif line.startswith("msgstr "):
            entry.msgstr[0], last = _unquote(line[7:]), 0
        elif line.startswith('"'):
            text = _unquote(line)
            if last == "msgid":
                entry.msgid += text
            elif last == "msgid_plural":
                entry.msgid_plural += text
            elif isinstance(last, int):
                entry.msgstr[last] += text
    close()
    return found


def problems(path: Path) -> list[str]:
    found = []
    for entry in entries(path.read_text(encoding="utf-8")):
        if not entry.msgid and "fuzzy" in entry.flags:
            # gettext leaves out a fuzzy header, and with it the plural rule.
            found.append("the header is marked fuzzy")
        if entry.obsolete or not entry.msgid:  # the header, or a string no longer used
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.msgstr or any(not text for text in entry.msgstr.values()):
            found.append(f"not translated: {entry.msgid!r}")
    return found


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for path in root.glob("**/locale/*/LC_MESSAGES/django.po")
        if not SKIPPED & set(path.relative_to(root).parts)
    )


def gather(root: Path = ROOT) -> None:
    """makemessages over the project at `root`: each app's strings into its own catalogue,
    the shared templates' into locale/."""
    command = [sys.executable, "manage.py", "makemessages", "--add-location=file", "--no-obsolete"]
    command += [f"--locale={code}" for code in LANGUAGES]
    command += [f"--ignore={path}" for path in NOT_GATHERED]
    subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _project_files(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (root / name).is_file()]


def check(root: Path = ROOT) -> int:
    with tempfile.TemporaryDirectory(prefix="lms-catalogues-") as copy:
        for name in _project_files(root):
            target = Path(copy) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target)
        gather(Path(copy))
        paths = catalogues(Path(copy))
        failures = 0
        for path in paths:
            for problem in problems(path):
                failures += 1
                print(f"{path.relative_to(copy)}: {problem}")
    if not paths:
        print("no catalogues found")
        return 1
    print(f"{len(paths)} catalogues, {failures} entries to translate")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if argv == ["gather"]:
        gather()
        return 0
    if argv in (["check"], []):
        return check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
