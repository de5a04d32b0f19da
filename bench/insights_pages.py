"""Time the insights pages on the large demo, as the manager and as the liaison: server time
(median and p95 of 20 requests after one cold request) and query count of each page, against
the 300 ms p95 target; then the monthly PDF's render time against its 10 s target.

    DATABASE_URL=sqlite:////work/large/large.sqlite3 .venv/bin/python bench/insights_pages.py
    .venv/bin/python bench/insights_pages.py --database-url sqlite:////work/large/large.sqlite3 \
        --as-of 2026-12-01 --month 2026-11 --requests 20

The database is an already seeded demo (demo users manager / liaison, password
liaison-demo-2026), used as it is. A SQLite file is opened read-only; sessions live in signed
cookies, logging in does not touch last_login, and the figures cache (Django's database cache,
as in production) lives in a SQLite file of its own (--cache-file), so nothing is written to
the demo. Measuring is bench/pages.py's (`measure`, `p95`). "Cold" is each page's first
request in this process: the
figures it reads through kept.py are computed then and kept for the rest.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import REQUESTS, TARGET_MS, database, measure, p95  # noqa: E402

PASSWORD = "liaison-demo-2026"
PDF_TARGET_S = 10


class CacheRouter:
    """The database cache's table in the `cache` database; everything else as configured."""

    def db_for_read(self, model, **hints):
        return "cache" if model._meta.app_label == "django_cache" else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, **hints):
        return db == "cache" if app_label == "django_cache" else db != "cache"


def setup(database_url: str, cache_file: Path) -> None:
    """Django against the given database, read-only when it is a SQLite file."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    from django.conf import settings

    if urlparse(database_url).scheme == "sqlite":
        path = "/" + unquote(urlparse(database_url).path).lstrip("/")
        settings.DATABASES["default"].update(NAME=f"file:{path}?mode=ro", OPTIONS={"timeout": 20})
    cache_file.unlink(missing_ok=True)
    settings.DATABASES["cache"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(cache_file)}
    settings.DATABASE_ROUTERS = [f"{__name__}.CacheRouter"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("createcachetable", database="cache")
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


def logged_in(username: str):
    from django.test import Client

    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    if not client.login(username=username, password=PASSWORD):
        sys.exit(f"Could not log in as {username} with the demo password.")
    return client


def time_pages(as_of: str, requests: int) -> bool:
    """Print one line per page and role; True when every page met the target."""
    from django.urls import reverse

    from liaison.insights.pages.common import PAGES

    print(f"{'page':<36}{'cold ms':>9}{'median ms':>11}{'p95 ms':>9}{'queries':>9}  target")
    all_ok = True
    for username in ("manager", "liaison"):
        client = logged_in(username)
        for name, label in PAGES:
            url = f"{reverse(name)}?as_of={as_of}"
            cold, _, status = measure(client, url)
            runs = [measure(client, url) for _ in range(requests)]
            times = [ms for ms, _, _ in runs]
            counts = "/".join(str(n) for n in sorted({n for _, n, _ in runs}))
            ok = status == 200 and p95(times) < TARGET_MS
            all_ok &= ok
            print(
                f"{label + ', ' + username:<36}{cold:>9.0f}{statistics.median(times):>11.0f}"
                f"{p95(times):>9.0f}{counts:>9}  {'ok' if ok else 'MISSED'}"
                + ("" if status == 200 else f" (status {status})")
            )
    return all_ok


def time_pdf(month: str, runs: int) -> bool:
    """The monthly summary built and rendered, with an empty figures cache each time."""
    from django.core.cache import cache

    from liaison.insights.kept import forget
    from liaison.insights.pages.monthly import Month, monthly_summary, summary_pdf

    seconds, size = [], 0
    for _ in range(runs):
        cache.clear()
        forget()
        started = time.perf_counter()
        size = len(summary_pdf(monthly_summary(Month.parse(month))))
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    print(
        f"\nMonthly PDF {month}, figures not kept: median {median:.1f} s, max "
        f"{max(seconds):.1f} s of {runs} ({size:,} bytes)  "
        f"{'ok' if max(seconds) < PDF_TARGET_S else 'MISSED'} (target {PDF_TARGET_S} s)"
    )
    return max(seconds) < PDF_TARGET_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="the seeded demo (default: DATABASE_URL; else one is seeded)",
    )
    parser.add_argument("--as-of", default="2026-12-01", help="the pages' as-of date")
    parser.add_argument("--month", default="2026-11", help="the monthly PDF's month")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument(
        "--cache-file",
        type=Path,
        default=Path("/tmp/liaison-bench-cache.sqlite3"),
        help="the SQLite file that holds the figures cache (made anew)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args()
    if not args.database_url:  # `make bench`: a fresh large demo, as bench/pages.py seeds it
        args.database_url = database(argparse.Namespace(scale="large", seeded=False))
    setup(args.database_url, args.cache_file)
    ok = time_pages(args.as_of, args.requests)
    ok &= time_pdf(args.month, args.pdf_runs)
    sys.exit(1 if args.strict and not ok else 0)


if __name__ == "__main__":
    main()
