"""Many signed-in staff at once: N people browse Today, patients, partners and insights
against the real server (gunicorn, as `make run` starts it) on loopback, for a bounded time.

    .venv/bin/python bench/load.py                       # 50 staff, 60 s, medium demo, SQLite
    .venv/bin/python bench/load.py --users 30 --seconds 120 --scale large --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_load .venv/bin/python bench/load.py

The database (default a fresh /tmp/liaison-bench-load-SCALE.sqlite3; with --seeded, or on
PostgreSQL, DATABASE_URL as it is) is migrated and, when empty, filled with `liaison
seed_demo` first (not timed). The staff are made for the
run (load-01, load-02, …: front desks and clinicians at one clinic each, managers and
liaisons at all), each signed in with a session of their own. Each person is a thread that
requests their role's pages one after another, as fast as the answers come, with no pause:
a harsher load than people reading. Printed: requests, errors (any status but 200, or no
answer; target 0), requests per second, p50/p95/max in milliseconds per role and overall,
and the machine's load average before and after. Two-factor sign-in is off for the run
(LIAISON_2FA_ROLES=""), since the sessions are made directly.
"""

import argparse
import http.client
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIAISON = [sys.executable, "-m", "liaison.cli"]
MAX_SECONDS = 120
# The share of each role among the staff signed in.
MIX = [("front_desk", 0.4), ("clinician", 0.3), ("manager", 0.15), ("liaison", 0.15)]


@dataclass
class Tally:
    staff: int = 0
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def database(args) -> str:
    url = (
        os.environ.get("DATABASE_URL") or f"sqlite:////tmp/liaison-bench-load-{args.scale}.sqlite3"
    )
    if not args.seeded:
        _remove_sqlite_file(url)
    env = _env(url)
    subprocess.run([*LIAISON, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    seed = [*LIAISON, "seed_demo", "--if-empty", "--scale", args.scale, "--verbosity", "0"]
    subprocess.run(seed, env=env, cwd=ROOT, check=True)
    return url


def _remove_sqlite_file(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = Path("/" + unquote(parsed.path).lstrip("/"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "LIAISON_2FA_ROLES": "",
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
    }


def roles(count: int) -> list[str]:
    """`count` roles in MIX's proportions (at least one of each), the rest front desks."""
    chosen = [role for role, share in MIX for _ in range(max(1, math.floor(share * count)))]
    return (chosen + [MIX[0][0]] * count)[:count]


def staff_sessions(count: int) -> list[tuple[str, str]]:
    """(role, session cookie value) of `count` staff made for the run, each signed in."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from liaison.accounts.models import Location, User

    locations = list(Location.objects.order_by("pk"))
    groups = {g.name: g for g in Group.objects.all()}
    User.objects.filter(username__startswith="load-").delete()
    sessions = []
    for number, role in enumerate(roles(count), start=1):
        user = User.objects.create(
            username=f"load-{number:02}", first_name="Load", last_name=f"Tester {number}"
        )
        user.groups.add(groups[role])
        at_one = role in ("front_desk", "clinician")
        user.locations.set([locations[number % len(locations)]] if at_one else locations)
        client = Client()
        client.force_login(user)
        sessions.append((role, client.cookies["sessionid"].value))
    return sessions


def pages() -> dict[str, list[str]]:
    """The pages each role goes through, in turn, again and again."""
    from django.urls import reverse

    today = reverse("insights-home")
    patients, referrals = reverse("care-patient-list"), reverse("care-referral-list")
    partners, reports = reverse("partners-directory"), reverse("reports-queue")
    insights = [reverse(f"insights-{name}") for name in ("overview", "ranking", "response")]
    return {
        "front_desk": [today, referrals, patients, partners],
        "clinician": [today, reports, patients],
        "manager": [today, patients, partners, *insights],
        "liaison": [today, partners, *insights],
    }


def serve(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "liaison.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=_env(url), cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("The server did not start within 30 s.")


def browse(port: int, cookie: str, paths: list[str], until: float, tally: Tally) -> None:
    """One person: each page in turn over one kept-alive connection, until `until`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={cookie}", "Host": "localhost"}
    turn = 0
    while time.monotonic() < until:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.errors.append(f"{path}: {type(error).__name__}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        tally.times_ms.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            tally.errors.append(f"{path}: {response.status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else float("nan")


def report(tallies: dict[str, Tally], seconds: float, load_before, load_after) -> int:
    columns = ("requests", 10), ("errors", 8), ("p50 ms", 9), ("p95 ms", 9), ("max ms", 9)
    print(f"{'role':<12}{'staff':>6}" + "".join(f"{name:>{width}}" for name, width in columns))
    everything = Tally(staff=sum(tally.staff for tally in tallies.values()))
    for role, tally in tallies.items():
        everything.times_ms += tally.times_ms
        everything.errors += tally.errors
        _line(role, tally)
    _line("all", everything)
    requests = len(everything.times_ms)
    print(f"\n{requests / seconds:.1f} requests/s over {seconds:.0f} s")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    for error, times in sorted(_count(everything.errors).items()):
        print(f"  error {error} ×{times}")
    return len(everything.errors)


def _line(role: str, tally: Tally) -> None:
    times = tally.times_ms
    print(
        f"{role:<12}{tally.staff:>6}{len(times):>10}{len(tally.errors):>8}"
        f"{statistics.median(times) if times else float('nan'):>9.0f}"
        f"{percentile(times, 0.95):>9.0f}{max(times, default=float('nan')):>9.0f}"
    )


def _count(errors: list[str]) -> dict[str, int]:
    counts = defaultdict(int)
    for error in errors:
        counts[error] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="medium")
    parser.add_argument("--seeded", action="store_true", help="use DATABASE_URL as it is")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database file")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads each (make run: 4)")
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)

    url = database(args)
    os.environ.update(_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    sessions = staff_sessions(args.users)
    paths = pages()
    from django.db import connections

    connections.close_all()
    server = serve(url, args.port, args.workers, args.threads)
    try:
        tallies = {role: Tally(staff=sum(r == role for r, _ in sessions)) for role, _ in MIX}
        load_before = os.getloadavg()
        until = time.monotonic() + seconds
        people = [
            threading.Thread(
                target=browse, args=(args.port, cookie, paths[role], until, tallies[role])
            )
            for role, cookie in sessions
        ]
        started = time.monotonic()
        for person in people:
            person.start()
        for person in people:
            person.join()
        elapsed = time.monotonic() - started
        errors = report(tallies, elapsed, load_before, os.getloadavg())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep and not args.seeded:
            _remove_sqlite_file(url)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
