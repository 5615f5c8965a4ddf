"""Run every layer of Bearing's test suite and say loudly what did not run.

Layers: lint and format, type check, migrations check, the suite on SQLite, the
same suite on PostgreSQL, and the browser tests in headless Chromium. Outside CI a layer
whose component is missing is skipped with a loud line; with CI=true it fails.

The three pytest layers run two at a time (TEST_JOBS), each in a directory of its own,
and each layer's output is printed whole when it ends.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LOCAL_PG = "postgres://postgres@127.0.0.1:5432/postgres"

# Test layers run this many at a time (TEST_JOBS=1: one after another).
JOBS = max(1, int(os.environ.get("TEST_JOBS", "2")))

totals = {"passed": 0, "failed": 0, "skipped": 0}
timings: list[tuple[str, float]] = []
failures: list[str] = []
skipped_layers: list[str] = []


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def loud_skip(layer: str, why: str) -> None:
    line = f"!!! LAYER SKIPPED: {layer} — {why}"
    print("\n" + "!" * len(line) + f"\n{line}\n" + "!" * len(line), flush=True)
    skipped_layers.append(layer)
    if CI:
        failures.append(f"{layer} (required in CI: {why})")


def run(layer: str, cmd: list[str], env: dict | None = None) -> None:
    """A quick layer (lint, types, migrations), run in the foreground."""
    banner(layer)
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, text=True)
    print(f"--- {layer}: exit {proc.returncode} in {time.monotonic() - started:.1f}s", flush=True)
    if proc.returncode != 0:
        failures.append(layer)


class Suite:
    """One pytest layer run in the background, its output kept in files until it ends.

    Each layer has a directory of its own for data (BEARING_DATA_DIR) and temporary
    files (TMPDIR), so layers running at the same time share no path.
    """

    def __init__(self, key: str, layer: str, cmd: list[str], env: dict[str, str]) -> None:
        self.key, self.layer, self.cmd, self.env = key, layer, cmd, env
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self, scratch: Path) -> None:
        # A short directory name: Chromium puts a Unix socket (at most 107 bytes of
        # path) under TMPDIR.
        own = scratch / self.key
        (own / "data").mkdir(parents=True)
        (own / "tmp").mkdir()
        self.stdout = open(own / "stdout", "w+b")  # noqa: SIM115 - closed in finish()
        self.stderr = open(own / "stderr", "w+b")  # noqa: SIM115
        env = {
            **os.environ,
            "BEARING_DATA_DIR": str(own / "data"),
            "TMPDIR": str(own / "tmp"),
            **self.env,
        }
        print(f"... started: {self.layer}", flush=True)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=env, stdout=self.stdout, stderr=self.stderr
        )

    def finish(self) -> None:
        """Print the layer's output and count its tests."""
        assert self.proc is not None
        returncode = self.proc.returncode
        seconds = time.monotonic() - self.started
        timings.append((self.layer, seconds))
        banner(self.layer)
        out, err = (self._read(f) for f in (self.stdout, self.stderr))
        sys.stdout.write(out)
        sys.stdout.flush()
        sys.stderr.write(err)
        sys.stderr.flush()
        tail = out.strip().splitlines()[-1:] or [""]
        for key in totals:
            m = re.search(rf"(\d+) {key}", tail[0])
            if m:
                totals[key] += int(m.group(1))
        m = re.search(r"(\d+) error", tail[0])
        if m:
            totals["failed"] += int(m.group(1))
        if returncode == 5 or "no tests ran" in tail[0]:
            failures.append(f"{self.layer} (no tests ran)")
        print(f"--- {self.layer}: exit {returncode} in {seconds:.1f}s", flush=True)
        if returncode != 0:
            failures.append(self.layer)

    @staticmethod
    def _read(f) -> str:
        f.seek(0)
        text = f.read().decode("utf-8", "replace")
        f.close()
        return text


def run_suites(suites: list[Suite], jobs: int) -> None:
    """Run the pytest layers, ``jobs`` at a time, each printed whole as it ends."""
    waiting = list(suites)
    running: list[Suite] = []
    with tempfile.TemporaryDirectory(prefix="bt-") as scratch:
        try:
            while waiting or running:
                while waiting and len(running) < jobs:
                    suite = waiting.pop(0)
                    suite.start(Path(scratch))
                    running.append(suite)
                time.sleep(0.2)
                for suite in [s for s in running if s.proc and s.proc.poll() is not None]:
                    running.remove(suite)
                    suite.finish()
        finally:
            for suite in running:
                if suite.proc and suite.proc.poll() is None:
                    suite.proc.terminate()
                    suite.proc.wait()


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return LOCAL_PG
    except OSError:
        return None


def postgres_usable(url: str) -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    p = urlparse(url)
    try:
        with psycopg.connect(
            host=p.hostname,
            port=p.port or 5432,
            user=p.username or "postgres",
            password=p.password or None,
            dbname=(p.path.lstrip("/") or "postgres"),
            connect_timeout=3,
        ):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"cannot connect: {exc}"


def main() -> int:
    begun = time.monotonic()
    py = sys.executable
    pytest = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    base_env = {"DEBUG": "0", "DATABASE_URL": ""}

    run("ruff check", [str(VENV_BIN / "ruff"), "check", "."])
    run("ruff format --check", [str(VENV_BIN / "ruff"), "format", "--check", "."])
    mypy = VENV_BIN / "mypy"
    if mypy.exists():
        # Settings and cache (.mypy_cache) in pyproject.toml: a second run takes seconds.
        run("type check (mypy)", [str(mypy), "bearing"])
    else:
        loud_skip("type check (mypy)", f"no mypy in {VENV_BIN} (make install)")
    with tempfile.TemporaryDirectory(prefix="bearing-migcheck-") as data:
        run(
            "makemigrations --check",
            [py, "manage.py", "makemigrations", "--check", "--dry-run"],
            env={"BEARING_DATA_DIR": data},
        )

    # The PostgreSQL layer is the longest and spends much of its time waiting on the
    # database, so it starts first, beside the SQLite layer; the browser layer takes
    # the first free slot.
    suites: list[Suite] = []
    url = postgres_url()
    if url is None:
        loud_skip("suite on PostgreSQL", "no DATABASE_URL and nothing on 127.0.0.1:5432")
    else:
        problem = postgres_usable(url)
        if problem:
            loud_skip("suite on PostgreSQL", problem)
        else:
            suites.append(
                Suite(
                    "pg",
                    "suite on PostgreSQL",
                    [*pytest, "-m", "not browser"],
                    {**base_env, "DATABASE_URL": url},
                )
            )
    suites.append(Suite("sqlite", "suite on SQLite", [*pytest, "-m", "not browser"], base_env))

    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        loud_skip("browser tests", f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    else:
        suites.append(
            Suite(
                "browser",
                "browser tests in headless Chromium",
                [*pytest, "-m", "browser"],
                {**base_env, "DJANGO_ALLOW_ASYNC_UNSAFE": "true", "CHROMIUM_PATH": CHROMIUM},
            )
        )
    run_suites(suites, JOBS)

    banner("summary")
    for layer, seconds in timings:
        print(f"{seconds:7.1f}s  {layer}")
    for layer in skipped_layers:
        print(f"skipped layer: {layer}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    print(f"in {time.monotonic() - begun:.1f}s, {JOBS} test layer(s) at a time")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
