"""Time the daily pages on the demo practice: Today (per role), the partner directory and a
partner's page — server time and query count of each, through Django's test client.

    .venv/bin/python bench/pages.py                     # large demo, fresh SQLite file
    .venv/bin/python bench/pages.py --scale medium --keep
    DATABASE_URL=sqlite:////tmp/seeded.sqlite3 .venv/bin/python bench/pages.py --seeded

Without --seeded the database (default /tmp/liaison-bench-pages-SCALE.sqlite3) is created,
migrated and filled with `liaison seed_demo` first (not timed). Each page is requested once
cold — a new process, the shared cache emptied — then REQUESTS times; the median and p95
(nearest rank) of those are printed with the query count, against the 300 ms p95 target
(--strict: exit 1 when one is missed). The time is the server's: from the request entering
Django to the response leaving it, rendering included.
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
LIAISON = [sys.executable, "-m", "liaison.cli"]
REQUESTS = 20
TARGET_MS = 300


def database(args) -> str:
    url = os.environ.get("DATABASE_URL") or (
        f"sqlite:////tmp/liaison-bench-pages-{args.scale}.sqlite3"
    )
    if args.seeded:
        subprocess.run(
            [*LIAISON, "migrate", "--verbosity", "0"], env=_env(url), cwd=ROOT, check=True
        )
        return url
    parsed = urlparse(url)
    if parsed.scheme != "sqlite":
        sys.exit(
            "Without --seeded, bench/pages.py seeds a fresh SQLite file: "
            "DATABASE_URL=sqlite:////path"
        )
    path = Path("/" + unquote(parsed.path).lstrip("/"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    env = _env(url)
    subprocess.run([*LIAISON, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [*LIAISON, "seed_demo", "--scale", args.scale, "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return url


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def measure(client, url: str) -> tuple[float, int, int]:
    """(milliseconds, queries, status) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), response.status_code


def pages() -> list[tuple[str, str, str]]:
    """(label, url, username) of every page timed; add a page with one line."""
    from django.db.models import Count
    from django.urls import reverse

    from liaison.partners.models import Partner

    partner = Partner.objects.annotate(n=Count("referrals")).order_by("-n").first()
    home, directory = reverse("insights-home"), reverse("partners-directory")
    return [
        ("Today, front desk", home, "frontdesk"),
        ("Today, clinician", home, "clinician"),
        ("Today, liaison", home, "liaison"),
        ("Today, manager", home, "manager"),
        ("Partner directory", directory + "?clear=1", "liaison"),
        (
            "Partner directory, filtered",
            directory + "?trend=reconnect&specialty=primary_care",
            "liaison",
        ),
        (
            f"Partner page ({partner.n:,} referrals)",
            reverse("partners-detail", args=[partner.code]),
            "manager",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="large")
    parser.add_argument(
        "--seeded",
        action="store_true",
        help="use DATABASE_URL as it is (already seeded); only migrate it",
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database file")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a page misses the target"
    )
    args = parser.parse_args()

    url = database(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from liaison.accounts.models import User

    # The figures' cache is shared and outlives the process: empty it, so "cold" is cold.
    cache.clear()
    clients = {}
    print(f"{'page':<34}{'cold ms':>9}{'median ms':>11}{'p95 ms':>9}{'queries':>9}  target")
    failed = False
    for label, page_url, username in pages():
        if username not in clients:
            clients[username] = Client(HTTP_HOST="localhost")
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        cold, _, status = measure(client, page_url)
        runs = [measure(client, page_url) for _ in range(args.requests)]
        times = [ms for ms, _, _ in runs]
        counts = sorted({n for _, n, _ in runs})
        ok = p95(times) < TARGET_MS and status == 200
        failed |= not ok
        print(
            f"{label:<34}{cold:>9.0f}{statistics.median(times):>11.0f}{p95(times):>9.0f}"
            f"{'/'.join(map(str, counts)):>9}  {'ok' if ok else 'MISSED'}"
            + ("" if status == 200 else f" (status {status})")
        )
    if not args.keep and not args.seeded:
        path = Path("/" + unquote(urlparse(url).path).lstrip("/"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    sys.exit(1 if failed and args.strict else 0)


if __name__ == "__main__":
    main()
