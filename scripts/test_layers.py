"""Run every layer of Bearing's test suite and say loudly what did not run.

Layers: lint and format, type check, migrations check, the suite on SQLite, the
same suite on PostgreSQL, and the browser tests in headless Chromium. Outside CI a layer
whose component is missing is skipped with a loud line; with CI=true it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LOCAL_PG = "postgres://postgres@127.0.0.1:5432/postgres"

totals = {"passed": 0, "failed": 0, "skipped": 0}
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


def run(layer: str, cmd: list[str], env: dict | None = None, pytest: bool = False) -> None:
    banner(layer)
    started = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **(env or {})}, text=True, capture_output=pytest
    )
    if pytest:
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        tail = proc.stdout.strip().splitlines()[-1:] or [""]
        for key in totals:
            m = re.search(rf"(\d+) {key}", tail[0])
            if m:
                totals[key] += int(m.group(1))
        m = re.search(r"(\d+) error", tail[0])
        if m:
            totals["failed"] += int(m.group(1))
        if proc.returncode == 5 or "no tests ran" in tail[0]:
            failures.append(f"{layer} (no tests ran)")
    print(f"--- {layer}: exit {proc.returncode} in {time.monotonic() - started:.1f}s", flush=True)
    if proc.returncode not in (0,):
        failures.append(layer)


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
    py = sys.executable
    pytest = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    workers = []
    base_env = {"DEBUG": "0", "DATABASE_URL": ""}

    run("ruff check", [str(VENV_BIN / "ruff"), "check", "."])
    run("ruff format --check", [str(VENV_BIN / "ruff"), "format", "--check", "."])
    mypy = VENV_BIN / "mypy"
    if mypy.exists():
        # Settings and cache (.mypy_cache) in pyproject.toml: a second run takes seconds.
        run("type check (mypy)", [str(mypy), "bearing"])
    else:
        loud_skip("type check (mypy)", f"no mypy in {VENV_BIN} (make install)")
    run(
        "makemigrations --check",
        [py, "manage.py", "makemigrations", "--check", "--dry-run"],
        env={"BEARING_DATA_DIR": "/tmp/bearing-migcheck"},
    )
    run("suite on SQLite", [*pytest, "-m", "not browser", *workers], env=base_env, pytest=True)

    url = postgres_url()
    if url is None:
        loud_skip("suite on PostgreSQL", "no DATABASE_URL and nothing on 127.0.0.1:5432")
    else:
        problem = postgres_usable(url)
        if problem:
            loud_skip("suite on PostgreSQL", problem)
        else:
            run(
                "suite on PostgreSQL",
                [*pytest, "-m", "not browser"],
                env={**base_env, "DATABASE_URL": url},
                pytest=True,
            )

    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        loud_skip("browser tests", f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    else:
        run(
            "browser tests in headless Chromium",
            [*pytest, "-m", "browser"],
            env={**base_env, "DJANGO_ALLOW_ASYNC_UNSAFE": "true", "CHROMIUM_PATH": CHROMIUM},
            pytest=True,
        )

    banner("summary")
    for layer in skipped_layers:
        print(f"skipped layer: {layer}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
