"""PostgreSQL connection settings, measured: a new connection per request
(DB_CONN_MAX_AGE=0), a persistent one per process (DB_CONN_MAX_AGE=60, the default)
and a psycopg pool in each process (DB_POOL=1).

    .venv/bin/python scripts/bench_db_connections.py              # 1 and 8 users
    .venv/bin/python scripts/bench_db_connections.py --users 1,8 --rounds 5 --seconds 2

It makes (once) a PostgreSQL database ``bearing_bench_connections`` with the demo data,
starts one ``manage.py serve`` per setting (production settings, gunicorn with 2 web
workers and one task worker) side by side on this machine, and drives each page at each user
count over keep-alive HTTP on 127.0.0.1 — the settings taken in turn, round after round,
so a machine that gets busier slows them all alike. Pages: ``/healthz`` (one query behind
the whole middleware) and the coachee's dashboard, signed in (a few dozen queries).

The report (Markdown) goes to docs/bench/db-connections.md: p50 and p95 in milliseconds
per request as the client saw them, requests per second, errors, and the connections the
servers held open. Every request goes to this machine's loopback address; each slice
is bounded in time. The load and server helpers are ``scripts/bench.py``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (scripts/bench.py: the load, the server, the machine line)

ROOT = bench.ROOT
PYTHON = sys.executable
DATABASE = "bearing_bench_connections"
DATA_DIR = bench.BENCH_DIR / "connections"
COACHEE = "leader@demo.bearing"

# (label, environment): what `manage.py serve` is started with.
SETTINGS = [
    ("new connection per request (DB_CONN_MAX_AGE=0)", {"DB_CONN_MAX_AGE": "0", "DB_POOL": ""}),
    ("persistent, 60 s (DB_CONN_MAX_AGE=60)", {"DB_CONN_MAX_AGE": "60", "DB_POOL": ""}),
    ("psycopg pool (DB_POOL=1)", {"DB_CONN_MAX_AGE": "", "DB_POOL": "1"}),
]


def prepare() -> None:
    """Runs inside Django (production settings): a signed-in coachee's session cookie."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.settings")
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from bearing.accounts.models import User
    from bearing.testing import sign_in

    client = Client()
    sign_in(client, User.objects.get(email=COACHEE))
    print(json.dumps({"cookie": client.cookies["sessionid"].value, "url": reverse("dashboard")}))


def database_env() -> dict[str, str]:
    import psycopg

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(f"{bench.POSTGRES_ADMIN_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    env = {
        **os.environ,
        "BEARING_DATA_DIR": str(DATA_DIR),
        "DEBUG": "0",
        "DATABASE_URL": f"{bench.POSTGRES_ADMIN_URL}/{DATABASE}",
    }
    for name in ("BEARING_ENCRYPTION_KEYS", "BEARING_AUDIT_KEY", "BEARING_ENV", "SECRET_KEY"):
        env.pop(name, None)
    for name in ("DB_CONN_MAX_AGE", "DB_POOL", "CACHE_URL"):
        env.pop(name, None)
    bench.manage(env, "migrate", "--noinput", "-v0")
    bench.manage(env, "demo_data", "--if-empty")
    return env


def connections_held() -> int:
    import psycopg

    with psycopg.connect(f"{bench.POSTGRES_ADMIN_URL}/postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s", [DATABASE]
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,8")
    parser.add_argument("--seconds", type=float, default=2.0, help="Length of one slice.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="Web workers per server.")
    parser.add_argument("--out", default=str(ROOT / "docs" / "bench" / "db-connections.md"))
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    try:
        import psycopg_pool  # noqa: F401
    except ImportError:
        raise SystemExit(
            "The pool setting needs psycopg-pool: make install, or pip install '.[pool]'."
        ) from None
    users_levels = [int(u) for u in args.users.split(",")]
    started = datetime.now(UTC)
    where = bench.machine()
    print("database and demo data ...", flush=True)
    env = bench.production_env(database_env())
    target = json.loads(
        subprocess.run(
            [PYTHON, __file__, "--prepare"],
            cwd=ROOT,
            env=env,
            text=True,
            capture_output=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    pages = {
        "/healthz": [{"url": "/healthz"}],
        "coachee dashboard": [{"url": target["url"], "cookie": target["cookie"]}],
    }
    servers: list[tuple[str, int, subprocess.Popen]] = []
    results: dict[tuple[str, str, int], bench.Sample] = {}
    held: dict[str, int] = {}
    logs = []
    try:
        for n, (label, extra) in enumerate(SETTINGS):
            before = connections_held()
            port = bench.free_port()
            log = (DATA_DIR / f"server-{n}.log").open("w")
            logs.append(log)
            server_env = {**env, **{k: v for k, v in extra.items() if v}}
            for k, v in extra.items():
                if not v:
                    server_env.pop(k, None)
            process = bench.start_server(server_env, "serve", args.workers, port, log)
            servers.append((label, port, process))
            for page in pages.values():  # warm every worker
                bench.drive(port, page, max(users_levels), 1.0)
            held[label] = connections_held() - before
        for round_ in range(args.rounds):
            for users in users_levels:
                print(f"round {round_ + 1}/{args.rounds}, {users} user(s)", flush=True)
                for label, port, _ in servers:
                    for name, page in pages.items():
                        sample = bench.drive(port, page, users, args.seconds)
                        results.setdefault((label, name, users), bench.Sample()).add(sample)
    finally:
        for _, _, process in servers:
            bench.stop_server(process)
        for log in logs:
            log.close()

    lines = [
        "# PostgreSQL connection settings",
        "",
        f"- run: {started:%Y-%m-%d %H:%M} UTC, `scripts/bench_db_connections.py --users "
        f"{args.users} --rounds {args.rounds} --seconds {args.seconds:g}`",
        f"- machine: {where}",
        f"- server: gunicorn, {args.workers} sync workers per setting (manage.py serve, "
        "BEARING_ENV=production, DEBUG off), PostgreSQL on 127.0.0.1, demo data",
        f"- each page {args.rounds} × {args.seconds:g} s per setting and user count, the "
        "settings in turn within each round; p50/p95 per request as the client saw them",
        "- connections: those each server (its web workers, its task worker and the "
        "supervisor that queues the ticks) held open after its warm-up, idle",
        "",
        "| setting | page | users | p50 ms | p95 ms | req/s | errors | connections |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for users in users_levels:
        for name in pages:
            for label, _, _ in servers:
                s = results[(label, name, users)]
                lines.append(
                    f"| {label} | {name} | {users} | {s.pct(0.5):.1f} | {s.pct(0.95):.1f} "
                    f"| {s.rps:.0f} | {s.errors} | {held[label]} |"
                )
    lines.append("")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"Wrote {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
