"""cmi5: ADL CATAPULT's LMS test suite (lts/) against a running platform.

    python benchmarks/cmi5_lts.py --suite DIR --endpoint URL [--email E --password P]

DIR is CATAPULT's lts/ folder (never part of this repository); its node modules are installed
(`npm ci`) and its test packages built (`cd pkg && npx webpack`) if they are not yet. URL is the
platform as people reach it (e.g. http://127.0.0.1:8000 for `make run`), holding the demo data.

The script signs in over HTTP as the demo administrator, as a person does (the demo switches
two-factor authentication off; where it is on, the sign-in stops with a message saying so),
and asks the cmi5 automation API for read-only LRS credentials. It writes the suite's adapter
(lib/lms.custom.js, from benchmarks/cmi5_lts/), a .env with the session and credentials, and a
jest-puppeteer configuration for the system's Chromium, runs `npx jest` and reads the result.
Prints one JSON object of figures, then the last line `cmi5 lts: passed P of T`.
"""

import argparse
import html
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ADAPTER = Path(__file__).resolve().parent / "cmi5_lts" / "lms.custom.js"
DEMO_ADMIN = "admin@example.org"
DEMO_PASSWORD = "learn-digital-2026"  # noqa: S105 (the published demo password)
CHROMIUM = "/usr/bin/chromium"
TEST_TIMEOUT_MS = 30_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", required=True, help="CATAPULT's lts/ folder")
    parser.add_argument("--endpoint", required=True, help="the platform's URL")
    parser.add_argument("--email", default=DEMO_ADMIN, help="an administrator's email")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", CHROMIUM))
    parser.add_argument("--test-filter", default="", help="jest -t: run only matching tests")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"cmi5_lts: {message}", file=sys.stderr, flush=True)


class Browser:
    """Just enough of a person's browser: cookies and form posts, redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        # The platform's own URL, given on the command line.
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        return self.opener.open(request, timeout=60)

    def sign_in(self, email: str, password: str) -> None:
        page = self.request("/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise SystemExit("cmi5_lts: the sign-in page has no CSRF token; is this the platform?")
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": html.unescape(token.group(1)),
                "login": email,
                "password": password,
            }
        ).encode()
        response = self.request(
            "/accounts/login/", form, {"Referer": f"{self.base}/accounts/login/"}
        )
        if "/2fa/" in response.geturl() or "/mfa/" in response.geturl():
            raise SystemExit(
                "cmi5_lts: this administrator must use two-factor authentication; sign in with "
                "an administrator who has it switched off, or switch the policy off for the run."
            )
        if self.cookie("sessionid") is None or response.geturl().endswith("/accounts/login/"):
            raise SystemExit(f"cmi5_lts: signing in as {email} failed.")

    def post_json(self, path: str) -> dict:
        response = self.request(
            path,
            b"{}",
            {
                "Content-Type": "application/json",
                "X-CSRFToken": self.cookie("csrftoken") or "",
                "Referer": f"{self.base}/",
            },
        )
        return json.loads(response.read())


def prepare_suite(suite: Path) -> None:
    env = {**os.environ, "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"}
    if not (suite / "node_modules").is_dir():
        log("installing the suite's node modules (npm ci)")
        subprocess.run(
            ["npm", "ci"],  # noqa: S607 (npm from PATH, as a person runs it)
            cwd=suite,
            env=env,
            check=True,
            stdout=sys.stderr,
        )
    if not (suite / "pkg" / "dist" / "001-essentials.zip").is_file():
        log("building the suite's test packages (webpack)")
        # webpack 5.45 hashes with MD4, which OpenSSL 3 only offers from its legacy provider.
        env["NODE_OPTIONS"] = "--openssl-legacy-provider"
        subprocess.run(
            ["npx", "webpack"],  # noqa: S607 (npx from PATH, as a person runs it)
            cwd=suite / "pkg",
            env=env,
            check=True,
            stdout=sys.stderr,
        )


def write_config(suite: Path, browser: Browser, reader: dict, chromium: str) -> None:
    shutil.copyfile(ADAPTER, suite / "lib" / "lms.custom.js")
    cookie = f"sessionid={browser.cookie('sessionid')}; csrftoken={browser.cookie('csrftoken')}"
    values = {
        "CATAPULT_LMS": "./lib/lms.custom.js",
        "PLATFORM_URL": browser.base,
        "PLATFORM_COOKIE": cookie,
        "PLATFORM_CSRF_TOKEN": browser.cookie("csrftoken"),
        "LRS_ENDPOINT": reader["endpoint"].rstrip("/"),
        "LRS_KEY": reader["key"],
        "LRS_SECRET": reader["secret"],
    }
    (suite / ".env").write_text("".join(f'{k}="{v}"\n' for k, v in values.items()))
    (suite / "jest-puppeteer.platform.js").write_text(
        "module.exports = {launch: {headless: true, executablePath: "
        + json.dumps(chromium)
        + ', args: ["--no-sandbox", "--disable-dev-shm-usage"]}};\n'
    )


def run_suite(suite: Path, test_filter: str) -> dict:
    results = suite / "var" / "platform-results.json"
    results.parent.mkdir(exist_ok=True)
    results.unlink(missing_ok=True)
    env = {
        **os.environ,
        "JEST_PUPPETEER_CONFIG": str(suite / "jest-puppeteer.platform.js"),
        "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1",
    }
    # One test at a time, as a person's browser would launch them. Jest's default of 5 s per
    # test is raised: 005-1 makes some seventy requests and a busy machine needs longer; the
    # suite's checks are unchanged.
    command = [
        "npx",
        "jest",
        "--runInBand",
        f"--testTimeout={TEST_TIMEOUT_MS}",
        "--json",
        f"--outputFile={results}",
    ]
    if test_filter:
        command += ["-t", test_filter]
    started = time.monotonic()
    # Our own command line; the suite's exit status is read from its results file instead.
    subprocess.run(command, cwd=suite, env=env, stdout=sys.stderr, stderr=sys.stderr)  # noqa: S603
    seconds = time.monotonic() - started
    if not results.is_file():
        raise SystemExit("cmi5_lts: jest wrote no results; see its output above.")
    report = json.loads(results.read_text())
    failed = [
        test["fullName"]
        for suite_result in report["testResults"]
        for test in suite_result["assertionResults"]
        if test["status"] == "failed"
    ]
    return {
        "passed": report["numPassedTests"],
        "failed": report["numFailedTests"],
        "skipped": report["numPendingTests"] + report.get("numTodoTests", 0),
        "total": report["numTotalTests"],
        "seconds": round(seconds, 1),
        "failed_tests": failed,
    }


def main() -> None:
    args = parse_args()
    suite = Path(args.suite).resolve()
    if not (suite / "__tests__" / "runtime.js").is_file():
        raise SystemExit(f"cmi5_lts: {suite} is not CATAPULT's lts/ folder.")
    prepare_suite(suite)
    browser = Browser(args.endpoint)
    browser.sign_in(args.email, args.password)
    try:
        reader = browser.post_json("/cmi5/automation/lrs-reader")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"cmi5_lts: the automation API refused: {error.read().decode()}") from None
    write_config(suite, browser, reader, args.chromium)
    figures = run_suite(suite, args.test_filter)
    print(json.dumps({"benchmark": "cmi5_lts", "endpoint": args.endpoint, **figures}, indent=2))
    print(f"cmi5 lts: passed {figures['passed']} of {figures['total']}")


if __name__ == "__main__":
    main()
