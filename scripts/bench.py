"""`make bench`: every main page of every role, served the production way, beside the floor.

    make bench                                  # SCALE=0.05, SQLite and PostgreSQL
    make bench SCALE=1 DATABASES=postgres USERS=1,8

For each database it seeds ``manage.py seed --scale N`` once (kept under var/bench/ and,
for PostgreSQL, in a database named bearing_bench_<N>; later runs reuse it), starts
``manage.py serve`` with production settings (BEARING_ENV=production, DEBUG off, gunicorn,
WEB_WORKERS web workers, one task worker), signs in coaches, coachees, sponsors and a
staff member, and drives each page at 1 and 8 concurrent users over keep-alive HTTP on
127.0.0.1. The floor — ``/healthz``, one query behind the whole middleware — is driven
in the same run, between the pages, so a busy machine slows both alike.

The report (Markdown, and an SVG chart of page p95 / floor p95) goes to
docs/bench/scale-<N>.md: p50 and p95 in milliseconds, requests per second, errors
(any status but 200), queries per request (counted in-process on the same data),
bytes per page, and the ratio to the floor. ``--server granian`` measures granian's
WSGI server with the same workers instead, the comparison behind the choice of gunicorn.

Every request goes to this machine's loopback address; each slice is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
FLOOR = "floor (/healthz)"
# Seeded data, keys and server logs; kept between runs.
BENCH_DIR = Path(os.environ.get("BENCH_DATA_DIR") or ROOT / "var" / "bench")
FORM = "application/x-www-form-urlencoded"
# What the coachee says to the companion under load: the first six start each
# conversation in prepare(); then every POST sends the next line, round and round.
REPLY_LINES = [
    "I want to get better at delegating the quarterly report to my team.",
    "Right now I do most of it myself on Sunday evenings, and it takes about six hours.",
    "I worry that Priya will miss the numbers the board cares about.",
    "I could walk her through last quarter's report, or split it between two people.",
    "Walking her through it feels right; I would keep the board summary for now.",
    "I will book an hour with Priya on Tuesday and hand her the first draft.",
    "I think the hardest part is letting go of the detail.",
    "Maybe I could ask her what she needs from me first.",
    "Yes, that would help.",
    "I would feel lighter, honestly, and I would have my Sundays back.",
]
REPLY_CONVERSATIONS = 4  # per person: each POST goes to the next one
# Targets from the issues, beside the ratios to the floor (p95 ms, one user and eight).
TARGETS_MS = {"coachee: companion reply": 20.0, "coach: 360 report (50 raters)": 200.0}


# --- the child process: sign people in, list their pages, count queries -----------------


def prepare(users: int) -> None:
    """Runs inside Django (production settings): print the pages as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bearing.accounts.models import User
    from bearing.companion import services as companion
    from bearing.engagements.models import CoachingSession, Engagement
    from bearing.insight.models import Campaign
    from bearing.programs.models import Program
    from bearing.testing import sign_in

    def cookie_for(user: User) -> str:
        client = Client()
        sign_in(client, user)
        return client.cookies["sessionid"].value

    engagements = list(
        Engagement.objects.filter(status="active")
        .select_related("coach", "coachee")
        .order_by("coach__email")[: max(users, 1) * 50 : 50]
    )
    if len(engagements) < users:
        engagements = list(Engagement.objects.filter(status="active").order_by("id")[:users])
    sponsors = list(User.objects.filter(email__startswith="sponsor").order_by("email")[:users])
    staff = User.objects.get(email="staff00000@seed.bearing")

    def person_pages(i: int) -> list[tuple[str, str, User, str]]:
        e = engagements[i % len(engagements)]
        past = (
            CoachingSession.objects.filter(engagement=e, status="held")
            .order_by("-scheduled_for")
            .first()
        )
        goal = e.goals.first()
        sponsor = sponsors[i % len(sponsors)]
        sponsored = Engagement.objects.filter(sponsor=sponsor, status="active").first()
        pages = [
            ("coach", "dashboard", e.coach, reverse("dashboard")),
            ("coach", "engagement", e.coach, reverse("engagements:detail", args=[e.code])),
            ("coach", "month calendar", e.coach, reverse("engagements:month_calendar")),
            ("coach", "account", e.coach, reverse("accounts:settings")),
            ("coachee", "dashboard", e.coachee, reverse("dashboard")),
            ("coachee", "development plan", e.coachee, reverse("growth:plan", args=[e.code])),
            ("coachee", "check-in form", e.coachee, reverse("growth:check_in", args=[e.code])),
            ("coachee", "check-ins", e.coachee, reverse("growth:check_ins", args=[e.code])),
            ("coachee", "wins", e.coachee, reverse("growth:wins", args=[e.code])),
            ("coachee", "companion", e.coachee, reverse("companion:home", args=[e.code])),
            ("coachee", "account", e.coachee, reverse("accounts:settings")),
            ("sponsor", "dashboard", sponsor, reverse("dashboard")),
            ("staff", "staff page", staff, reverse("accounts:staff")),
            ("staff", "dashboard", staff, reverse("dashboard")),
        ]
        if past is not None:
            pages.insert(
                2,
                (
                    "coach",
                    "coaching session",
                    e.coach,
                    reverse("engagements:session_detail", args=[past.code]),
                ),
            )
            pages.insert(
                3, ("coach", "session brief", e.coach, reverse("growth:brief", args=[past.code]))
            )
        if goal is not None:
            pages.insert(
                8,
                (
                    "coachee",
                    "goal with check-ins (chart)",
                    e.coachee,
                    reverse("growth:goal", args=[goal.code]),
                ),
            )
        if sponsored is not None:
            pages.insert(
                -2,
                (
                    "sponsor",
                    "engagement",
                    sponsor,
                    reverse("programs:engagement", args=[sponsored.code]),
                ),
            )
        return pages

    # The tools between sessions, the program dashboard and the 360 report: the seed
    # gives them to a share of the coachees, some organizations and one coachee.
    def spread(rows: list) -> list:
        step = max(1, len(rows) // max(users, 1))
        return rows[::step][:users] or rows[:1]

    talkers = spread(
        list(
            Engagement.objects.filter(status="active", companion_conversations__scenario="")
            .distinct()
            .select_related("coachee")
            .order_by("id")
        )
    )
    writers = spread(
        list(
            Engagement.objects.filter(status="active", journal_entries__isnull=False)
            .distinct()
            .select_related("coachee")
            .order_by("id")
        )
    )
    programs = spread(list(Program.objects.select_related("organization").order_by("name")))
    campaign = (
        Campaign.objects.filter(status="closed", released_at__isnull=False)
        .select_related("engagement__coach")
        .order_by("id")
        .first()
    )

    def tool_pages(i: int) -> list[tuple[str, str, User, str]]:
        pages = []
        if writers:
            w = writers[i % len(writers)]
            pages += [
                ("coachee", "journal", w.coachee, reverse("insight:journal", args=[w.code])),
                (
                    "coachee",
                    "decision journal",
                    w.coachee,
                    reverse("practice:decisions", args=[w.code]),
                ),
                ("coachee", "priority board", w.coachee, reverse("practice:board", args=[w.code])),
            ]
        if talkers:
            t = talkers[i % len(talkers)]
            seeded = t.companion_conversations.filter(scenario="").order_by("created_at").first()
            pages.append(
                (
                    "coachee",
                    "companion conversation",
                    t.coachee,
                    reverse("companion:conversation", args=[seeded.code]),
                )
            )
        if campaign is not None:
            pages.append(
                (
                    "coach",
                    "360 report (50 raters)",
                    campaign.engagement.coach,
                    reverse("insight:campaign_report", args=[campaign.code]),
                )
            )
        if programs:
            program = programs[i % len(programs)]
            sponsor = User.objects.filter(
                memberships__role="sponsor", memberships__organization=program.organization
            ).order_by("id")[0]
            pages.append(
                (
                    "sponsor",
                    "program dashboard",
                    sponsor,
                    reverse("programs:dashboard", args=[program.code]),
                )
            )
        return pages

    def companion_target(i: int) -> dict | None:
        """A coachee's fresh conversations, started and talked through the services as
        the page does (six exchanges each), which the load then continues: one reply per
        POST, each request to the next conversation, so none grows long within a run."""
        if not talkers:
            return None
        t = talkers[i % len(talkers)]
        urls = []
        for _ in range(REPLY_CONVERSATIONS):
            conv = companion.conversation_start(engagement=t, by=t.coachee)
            for line in REPLY_LINES[:6]:
                companion.conversation_reply(conversation=conv, by=t.coachee, text=line)
            urls.append(reverse("companion:conversation", args=[conv.code]))
        return {
            "url": urls[0],
            "urls": urls,
            "method": "POST",
            "bodies": [urlencode({"text": line}) for line in REPLY_LINES],
            "cookie": cookie_for(t.coachee),
            "csrf": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in "x" * 32),
            "user": t.coachee,
        }

    def count(user: User, url: str) -> tuple[int, int]:
        client = Client()
        sign_in(client, user)
        client.get(url)  # warm: first-request work is not the page's
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        return len(queries), status

    def count_post(user: User, url: str, body: str) -> tuple[int, int]:
        client = Client()
        sign_in(client, user)
        post = {"data": body, "content_type": FORM, "headers": {"HX-Request": "true"}}
        client.post(url, **post)  # warm, as above
        with CaptureQueriesContext(connection) as queries:
            status = client.post(url, **post).status_code
        return len(queries), status

    out: dict[str, dict] = {}
    for i in range(users):
        for role, label, user, url in person_pages(i) + tool_pages(i):
            key = f"{role}: {label}"
            entry = out.setdefault(key, {"role": role, "label": label, "targets": []})
            entry["targets"].append({"url": url, "cookie": cookie_for(user)})
            if i == 0:
                entry["queries"], entry["status"] = count(user, url)
        target = companion_target(i)
        if target is not None:
            key = "coachee: companion reply"
            entry = out.setdefault(key, {"role": "coachee", "label": "companion reply"})
            user = target.pop("user")
            entry.setdefault("targets", []).append(target)
            if i == 0:
                entry["queries"], entry["status"] = count_post(
                    user, target["urls"][-1], target["bodies"][-1]
                )
    print(json.dumps(out))


# --- the load ---------------------------------------------------------------------------


@dataclass
class Sample:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def add(self, other: Sample) -> None:
        self.times += other.times
        self.errors += other.errors
        self.bytes = max(self.bytes, other.bytes)
        self.seconds += other.seconds

    def pct(self, p: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    @property
    def rps(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def drive(port: int, targets: list[dict], users: int, seconds: float) -> Sample:
    """``users`` threads, each its own person and connection, for ``seconds``."""
    results: list[tuple[list[float], int, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users)

    def user(n: int) -> None:
        target = targets[n % len(targets)]
        method = target.get("method", "GET")
        urls = target.get("urls") or [target["url"]]
        bodies = target.get("bodies") or [None]
        headers = {"Host": "127.0.0.1"}
        if target.get("cookie"):
            headers["Cookie"] = f"sessionid={target['cookie']}"
        if method == "POST":
            # The CSRF cookie and its token as a browser's htmx request sends them; the
            # page answers with the conversation's new messages (200).
            headers["Cookie"] += f"; csrftoken={target['csrf']}"
            headers.update(
                {"X-CSRFToken": target["csrf"], "HX-Request": "true", "Content-Type": FORM}
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times: list[float] = []
        errors = size = sent = 0
        barrier.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            url, body = urls[sent % len(urls)], bodies[sent % len(bodies)]
            sent += 1
            started = time.perf_counter()
            try:
                conn.request(method, url, body=body, headers=headers)
                response = conn.getresponse()
                body = response.read()
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                errors += 1
                continue
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors += 1
            size = len(body)
        conn.close()
        with lock:
            results.append((times, errors, size))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample = Sample(seconds=time.perf_counter() - started)
    for times, errors, size in results:
        sample.times += times
        sample.errors += errors
        sample.bytes = max(sample.bytes, size)
    return sample


# --- databases, data, the server ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def database_env(db: str, scale: float) -> dict[str, str]:
    data_dir = BENCH_DIR / f"{db}-{scale_tag(scale)}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BEARING_DATA_DIR": str(data_dir), "DEBUG": "0"}
    for name in ("BEARING_ENCRYPTION_KEYS", "BEARING_AUDIT_KEY", "BEARING_ENV", "SECRET_KEY"):
        env.pop(name, None)
    if db == "postgres":
        name = f"bearing_bench_{scale_tag(scale)}"
        import psycopg

        with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{POSTGRES_ADMIN_URL}/{name}"
    else:
        env["DATABASE_URL"] = ""
    return env


def manage(env: dict, *args: str, quiet: bool = True) -> str:
    done = subprocess.run(
        ["nice", "-n", "10", PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=quiet,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout or ""


def start_afresh(env: dict) -> None:
    """Remove a benchmark database the seed of an earlier version made (it lacks pages
    measured now): the SQLite file, or the PostgreSQL database, both the benchmark's own."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        assert name.startswith("bearing_bench_")
        with psycopg.connect(f"{POSTGRES_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        for path in Path(env["BEARING_DATA_DIR"]).glob("bearing.sqlite3*"):
            path.unlink()


def ensure_seeded(env: dict, scale: float) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    # The staff account, and the 360 the seed makes last: an older seed made neither.
    check = (
        "from bearing.accounts.models import User;"
        "from bearing.insight.models import Campaign;"
        "staff = User.objects.filter(email='staff00000@seed.bearing').exists();"
        "done = Campaign.objects.filter(released_at__isnull=False).exists();"
        "print('complete' if staff and done else 'partial' if staff else 'empty')"
    )
    seeded = manage(env, "shell", "-c", check).strip()
    if seeded.endswith("partial"):
        print("  the seeded data predates pages measured now: seeding afresh", flush=True)
        start_afresh(env)
        manage(env, "migrate", "--noinput", "-v0")
    elif seeded.endswith("complete"):
        print(f"  reusing the seeded data (scale {scale:g})")
        if env.get("DATABASE_URL", "").startswith("postgres"):
            # Statistics as autovacuum keeps them in a running installation.
            manage(
                env,
                "shell",
                "-c",
                "from django.db import connection as c; c.cursor().execute('ANALYZE')",
            )
        return
    print(f"  seeding at scale {scale:g} ...", flush=True)
    manage(env, "seed", "--scale", str(scale), quiet=False)


def production_env(env: dict) -> dict:
    """The keys the seed made (development files in the data directory), passed the
    production way; a SECRET_KEY kept beside them so sign-ins survive between steps."""
    data_dir = Path(env["BEARING_DATA_DIR"])
    secret = data_dir / "bench.secret"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    manage(env, "shell", "-c", "from bearing.audit import chain; chain._key_text()")
    production = {
        **env,
        "BEARING_ENV": "production",
        "SECRET_KEY": secret.read_text().strip(),
        "BEARING_ENCRYPTION_KEYS": (data_dir / "encryption.keys").read_text().strip(),
        "BEARING_AUDIT_KEY": (data_dir / "audit.key").read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATIC_ROOT": str(data_dir / "static"),
    }
    # Pages link the hashed static names: gathered before any page is rendered.
    manage(production, "collectstatic", "--noinput", "-v0")
    return production


def start_server(env: dict, server: str, workers: int, port: int, log) -> subprocess.Popen:
    if server == "granian":
        command = [
            PYTHON, "-m", "granian", "--interface", "wsgi", "bearing.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
    else:
        command = [
            PYTHON, "manage.py", "serve", "--bind", f"127.0.0.1:{port}",
            "--web-workers", str(workers), "--task-workers", "1", "--no-collectstatic",
        ]  # fmt: skip
    process = subprocess.Popen(
        ["nice", "-n", "10", *command],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The server stopped; see its log in var/bench/.")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise SystemExit("The server did not answer /healthz within a minute.")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- one database ------------------------------------------------------------------------


def bench_database(db: str, args) -> dict:
    print(f"{db}:", flush=True)
    env = database_env(db, args.scale)
    ensure_seeded(env, args.scale)
    env = production_env(env)
    max_users = max(args.users)
    pages = json.loads(
        subprocess.run(
            [PYTHON, __file__, "--prepare", str(max_users)],
            cwd=ROOT,
            env=env,
            text=True,
            capture_output=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if args.pages:
        wanted = [w.strip() for w in args.pages.split(",")]
        pages = {k: v for k, v in pages.items() if any(w in k for w in wanted)}
    port = free_port()
    log_path = Path(env["BEARING_DATA_DIR"]) / "server.log"
    with log_path.open("w") as log:
        server = start_server(env, args.server, args.workers, port, log)
        try:
            floor_target = [{"url": "/healthz"}]
            drive(port, floor_target, max_users, 1.0)  # warm every worker
            for page in pages.values():
                drive(port, page["targets"], 1, 0.3)
            results: dict[tuple[str, int], Sample] = {}
            keys = list(pages)
            for users in args.users:
                for round_ in range(args.rounds):
                    print(f"  {users} user(s), round {round_ + 1}/{args.rounds}", flush=True)
                    for n, key in enumerate(keys):
                        if n % 4 == 0:
                            sample = drive(port, floor_target, users, args.seconds)
                            results.setdefault((FLOOR, users), Sample()).add(sample)
                        sample = drive(port, pages[key]["targets"], users, args.seconds)
                        results.setdefault((key, users), Sample()).add(sample)
        finally:
            stop_server(server)
    pages[FLOOR] = {"role": "—", "label": FLOOR, "queries": 1, "status": 200}
    return {"pages": pages, "results": results}


# --- the report --------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
        f"load average {load} when the run started"
    )


def table(db: str, run: dict, users_levels: list[int]) -> list[str]:
    pages, results = run["pages"], run["results"]
    lines = [
        f"### {db}",
        "",
        "| page | users | p50 ms | p95 ms | req/s | errors | queries | KB | p95 × floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for users in users_levels:
        floor = results[(FLOOR, users)].pct(0.95)
        for key in [FLOOR, *[k for k in pages if k != FLOOR]]:
            sample = results.get((key, users))
            if sample is None:
                continue
            p95 = sample.pct(0.95)
            lines.append(
                f"| {key} | {users} | {sample.pct(0.5):.1f} | {p95:.1f} | {sample.rps:.0f} "
                f"| {sample.errors} | {pages[key].get('queries', '?')} "
                f"| {sample.bytes / 1024:.1f} | {p95 / floor:.1f} |"
            )
    lines.append("")
    return lines


def targets(runs: dict[str, dict], users_levels: list[int]) -> list[str]:
    """The pages with a target in milliseconds, and every page against the ratios to the
    floor (p95 at most 5× the floor's with one user, 10× with eight)."""
    lines = [
        "## Targets",
        "",
        "| page | database | users | p95 ms | target | met |",
        "|---|---|---:|---:|---:|---|",
    ]
    for key, limit in TARGETS_MS.items():
        for db, run in runs.items():
            for users in users_levels:
                sample = run["results"].get((key, users))
                if sample is None:
                    continue
                p95 = sample.pct(0.95)
                met = "yes" if p95 <= limit else "**no**"
                lines.append(f"| {key} | {db} | {users} | {p95:.1f} | ≤ {limit:g} ms | {met} |")
    lines += ["", "Pages over the ratio to the floor (≤ 5× with one user, ≤ 10× with eight):", ""]
    over = []
    for db, run in runs.items():
        for users in users_levels:
            limit = 5 if users == 1 else 10
            floor = run["results"][(FLOOR, users)].pct(0.95)
            for key in run["pages"]:
                sample = run["results"].get((key, users))
                if key == FLOOR or sample is None:
                    continue
                ratio = sample.pct(0.95) / floor
                if ratio > limit:
                    over.append(f"- {db}, {users} user(s): {key} {ratio:.1f}×")
    lines += over or ["- none"]
    lines.append("")
    return lines


def chart(runs: dict[str, dict], users_levels: list[int]) -> str:
    """Horizontal bars: page p95 / floor p95, one bar per database and user count."""
    rows = []
    for db, run in runs.items():
        for key in run["pages"]:
            if key == FLOOR:
                continue
            for users in users_levels:
                floor = run["results"][(FLOOR, users)].pct(0.95)
                sample = run["results"].get((key, users))
                if sample:
                    rows.append((f"{key} — {db}, {users} user(s)", sample.pct(0.95) / floor))
    width, bar_x, row_h = 900, 420, 16
    top = max([r for _, r in rows] + [10])
    scale = (width - bar_x - 60) / top
    height = row_h * len(rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11" role="img" '
        f'aria-label="Page p95 as a multiple of the floor p95">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    for limit, colour in ((5, "#b36b00"), (10, "#a00")):
        x = bar_x + limit * scale
        parts.append(
            f'<line x1="{x:.0f}" y1="20" x2="{x:.0f}" y2="{height - 10}" stroke="{colour}" '
            f'stroke-dasharray="4 3"/><text x="{x + 3:.0f}" y="14" fill="{colour}">{limit}×</text>'
        )
    for i, (label, ratio) in enumerate(rows):
        y = 24 + i * row_h
        parts.append(f'<text x="{bar_x - 6}" y="{y + 11}" text-anchor="end">{label}</text>')
        parts.append(
            f'<rect x="{bar_x}" y="{y + 2}" width="{max(1, ratio * scale):.0f}" '
            f'height="{row_h - 4}" fill="#2b6cb0"/>'
        )
        parts.append(f'<text x="{bar_x + ratio * scale + 4:.0f}" y="{y + 11}">{ratio:.1f}×</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE") or 0.05))
    parser.add_argument("--databases", default=os.environ.get("DATABASES") or "sqlite,postgres")
    parser.add_argument("--users", default=os.environ.get("USERS") or "1,8")
    parser.add_argument("--seconds", type=float, default=1.0, help="Length of one slice.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="Web workers.")
    parser.add_argument("--server", choices=("serve", "granian"), default="serve")
    parser.add_argument("--pages", default="", help="Only pages whose name has one of these.")
    parser.add_argument("--out", default=None)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return 0
    args.users = [int(u) for u in args.users.split(",")]
    started = datetime.now(UTC)
    where = machine()
    runs = {db: bench_database(db, args) for db in args.databases.split(",")}
    tag = scale_tag(args.scale)
    out = Path(args.out) if args.out else ROOT / "docs" / "bench" / f"scale-{tag}.md"
    if args.server != "serve":
        out = out.with_name(f"{out.stem}-{args.server}.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    server = (
        f"gunicorn, {args.workers} sync workers (manage.py serve)"
        if args.server == "serve"
        else f"granian WSGI, {args.workers} workers"
    )
    lines = [
        f"# Bearing benchmark: seed scale {args.scale:g}",
        "",
        f"- run: {started:%Y-%m-%d %H:%M} UTC, `scripts/bench.py --scale {args.scale:g} "
        f"--databases {args.databases} --users {','.join(map(str, args.users))}"
        f"{'' if args.server == 'serve' else ' --server ' + args.server}`",
        f"- machine: {where}",
        f"- server: {server}, BEARING_ENV=production, DEBUG off, one task worker",
        f"- each page {args.rounds} × {args.seconds:g} s per user count, the floor between "
        "every four pages; p50/p95 are per request as the client saw them",
        "- queries: per request of the first person, counted in-process on the same data",
        "- coachee: companion reply is a POST as the page's htmx form sends it (CSRF cookie "
        "and token): it stores the coachee's message and the companion's reply (offline "
        "engine) and renders them; each person's requests go round four conversations "
        "started with six exchanges before the load",
        "- coach: 360 report reads the seed's one closed campaign (50 raters), so at eight "
        "users eight windows of its coach read it; sponsor: program dashboard is a program "
        "of 100 seats (one program at scale 0.05, 20 at scale 1)",
        "",
        f"![page p95 / floor p95]({out.stem}.svg)",
        "",
    ]
    lines += targets(runs, args.users)
    for db, run in runs.items():
        lines += table(db, run, args.users)
    out.write_text("\n".join(lines))
    out.with_suffix(".svg").write_text(chart(runs, args.users))
    print(f"Wrote {out} and its chart.")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
