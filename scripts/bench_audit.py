"""Time audited writes from concurrent writers on PostgreSQL, with one audit lane (the
single chain every audited page used to lock) and with several.

    .venv/bin/python scripts/bench_audit.py      # 1 and 8 writers; no log, 1 lane, 16 lanes
    .venv/bin/python scripts/bench_audit.py --writers 1,8 --lanes 0,1,16 --seconds 5 --hold-ms 0,5

Each writer is a process of its own (as a server's workers are), with its own
connection, calling ``audit_record`` as an audited page does, for ``--seconds``.
``--hold-ms`` keeps each write's transaction open that much longer, as a page does
that writes the entry inside a transaction of its own and then goes on working.
Prints entries per second, the speed-up of N writers over one, and each write's
median and 95th percentile time; then verifies the chain. Lanes "0" is the
comparison: the same writers inserting a row into a table of their own, with no
audit log and no row shared, as an unaudited page's write scales.

The database is ``bearing_bench_audit`` on ``BENCH_POSTGRES_URL`` (default
postgres://postgres@127.0.0.1:5432), made and migrated on first use; the audit
tables are emptied before each run. Nothing else is touched.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bearing_bench_audit"
# A fixed key for a throwaway database: the measurement does not depend on it.
AUDIT_KEY = "YmVuY2gtYXVkaXQta2V5LW5vdC1mb3ItcHJvZHVjdGlvbi11c2U="


def environment(data_dir: str) -> dict[str, str]:
    return {
        "DATABASE_URL": f"{ADMIN_URL}/{DATABASE}",
        "BEARING_DATA_DIR": data_dir,
        "BEARING_AUDIT_KEY": AUDIT_KEY,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "bearing.settings",
    }


def prepare(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_control "
            "(id bigserial PRIMARY KEY, writer integer, at timestamptz)"
        )
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"migrate failed:\n{done.stderr}")


def empty_the_log(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("TRUNCATE audit_auditentry, audit_audithead, bench_control RESTART IDENTITY")


def writer(env: dict[str, str], actor_id: int, go, seconds: float, hold: float, ready, out):
    """One process: says it is ready, then writes from ``go`` for ``seconds``; puts
    (count, times)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction

    from bearing.audit.models import AuditAction
    from bearing.audit.services import audit_record

    class Actor:
        pk = actor_id
        email = f"writer{actor_id}@bench.bearing"

    def control() -> None:  # a write that shares no row with any other writer
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_control (writer, at) VALUES (%s, now())", [actor_id])

    def audited() -> None:
        audit_record(action=AuditAction.READ, actor=Actor(), field="agenda")  # type: ignore[arg-type]

    write = control if env["BEARING_AUDIT_LANES"] == "0" else audited
    connection.ensure_connection()
    ready.put(actor_id)
    go.wait()
    times: list[float] = []
    end = time.time() + seconds
    while time.time() < end:
        began = time.perf_counter()
        with transaction.atomic():
            write()
            if hold:
                time.sleep(hold)
        times.append(time.perf_counter() - began)
    connection.close()
    out.put((len(times), times))


def run(env: dict[str, str], lanes: int, writers: int, seconds: float, hold_ms: float) -> dict:
    empty_the_log(env)
    context = multiprocessing.get_context("spawn")
    out, ready, go = context.Queue(), context.Queue(), context.Event()
    child_env = {**env, "BEARING_AUDIT_LANES": str(lanes)}
    processes = [
        context.Process(
            target=writer, args=(child_env, 1000 + n, go, seconds, hold_ms / 1000, ready, out)
        )
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    for _ in processes:  # every process started, set up and connected
        ready.get(timeout=300)
    go.set()
    results = [out.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join(30)
    count = sum(n for n, _ in results)
    times = sorted(t for _, ts in results for t in ts)
    return {
        "per_second": count / seconds,
        "p50": statistics.median(times) * 1000,
        "p95": times[max(0, int(len(times) * 0.95) - 1)] * 1000,
        "count": count,
    }


def verify(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return (done.stdout or done.stderr).strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="1,8", help="numbers of concurrent writers")
    parser.add_argument(
        "--lanes", default="0,1,16", help="values of BEARING_AUDIT_LANES (0: no audit log)"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    parser.add_argument("--hold-ms", default="0,5", help="time each transaction stays open")
    args = parser.parse_args()
    writer_counts = [int(n) for n in args.writers.split(",")]
    lane_counts = [int(n) for n in args.lanes.split(",")]
    holds = [float(n) for n in args.hold_ms.split(",")]

    with tempfile.TemporaryDirectory(prefix="bench-audit-") as data_dir:
        env = environment(data_dir)
        prepare(env)
        print(
            f"PostgreSQL {ADMIN_URL}/{DATABASE}; {args.seconds:g} s a run; {os.cpu_count()} cores\n"
        )
        header = (
            f"{'hold':>6} {'lanes':>5} {'writers':>7} {'entries/s':>10} "
            f"{'speed-up':>8} {'p50 ms':>7} {'p95 ms':>7}  chain"
        )
        print(header)
        print("-" * len(header))
        for hold in holds:
            for lanes in lane_counts:
                alone = None
                for writers in writer_counts:
                    figures = run(env, lanes, writers, args.seconds, hold)
                    alone = alone or figures["per_second"]
                    print(
                        f"{hold:>4g}ms {lanes:>5} {writers:>7} {figures['per_second']:>10.0f} "
                        f"{figures['per_second'] / alone:>7.2f}x {figures['p50']:>7.1f} "
                        f"{figures['p95']:>7.1f}  {verify(env) if lanes else 'no audit log'}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
