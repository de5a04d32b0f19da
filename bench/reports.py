"""Time the reports: 500 reports rendered to PDF on every core, and `liaison reports_due` on
the large demo practice.

    .venv/bin/python bench/reports.py                       # both, fresh SQLite files in /tmp
    .venv/bin/python bench/reports.py --large-db /tmp/x.sqlite3 --keep   # reuse a large demo
    .venv/bin/python bench/reports.py --skip-large          # PDFs only (about a minute)

1. PDFs. The small demo is seeded into a fresh SQLite file; 500 of its reports (every kind)
   get a draft written from the record, the initial ones after a full evaluation (findings,
   red-flag screen, plan). Then a process pool, one worker per core, renders each report to
   PDF from the database, as the sender does. Prints reports per second (target: at least 10)
   and checks that every initial report fits on one page.
2. `reports_due`. The large demo (20 locations, 300,000 patients, about 3.4 million visits)
   is seeded into a fresh SQLite file (not timed; about five minutes). `reports_due --as-of D
   --format json` then runs in this process, cold (the first call on a new connection) and
   warm (median of five), for the whole practice and for one location, and once more as a
   command with the interpreter's start-up included. Target: under 2 s.

Seeding is never timed. The database files are deleted afterwards unless --keep is given.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIAISON = [sys.executable, "-m", "liaison.cli"]
AS_OF = "2026-11-20"
PDF_COUNT = 500
WARM_RUNS = 5
KINDS = ["initial", "progress", "discharge", "redirect", "alert"]


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def seed(path: Path, scale: str) -> None:
    remove(path)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run([*LIAISON, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    started = time.monotonic()
    subprocess.run(
        [*LIAISON, "seed_demo", "--scale", scale, "--as-of", AS_OF, "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    print(f"  seeded the {scale} demo in {time.monotonic() - started:.0f} s (not timed)")


def in_child(phase: str, path: Path, *extra: str) -> None:
    """Run one phase in a process of its own, on the database at `path`."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--phase", phase, *extra]
    subprocess.run(command, env=env, cwd=ROOT, check=True)


# ----- phase 1: PDFs ------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()


def prepare_drafts(count: int) -> list[int]:
    """Write drafts from the record for `count` reports of every kind; their report ids."""
    import datetime as dt

    from liaison.reports.drafts import draft_body
    from liaison.reports.models import Report
    from liaison.reports.tests.builders import evaluated

    as_of = dt.date.fromisoformat(AS_OF)
    chosen: list[Report] = []
    per_kind = count // len(KINDS)
    for kind in KINDS:
        found = Report.objects.filter(kind=kind).select_related("referral", "episode")
        chosen += list(found.order_by("id")[:per_kind])
    extra = Report.objects.exclude(pk__in=[r.pk for r in chosen]).order_by("id")
    chosen += list(extra[: count - len(chosen)])
    for report in chosen:
        episode = report.episode
        if report.kind == "initial" and episode is not None and not episode.red_flags.exists():
            evaluated(episode)
        report.body = draft_body(
            kind=report.kind, referral=report.referral, episode=report.episode, as_of=as_of
        )
        report.save(update_fields=["body"])
    return [r.pk for r in chosen]


def render_chunk(report_ids: list[int]) -> tuple[list[tuple[str, bytes]], float]:
    """(kind, PDF) of each report rendered in a pool worker, and the CPU seconds it took."""
    from liaison.reports.pdf import report_pdf
    from liaison.reports.sheets import reports_for_sheets

    started = time.process_time()
    rendered = [
        (report.kind, report_pdf(report=report))
        for report in reports_for_sheets().filter(pk__in=report_ids)
    ]
    return rendered, time.process_time() - started


def phase_pdf(count: int) -> None:
    setup_django()
    from django.db import connections

    ids = prepare_drafts(count)
    connections.close_all()  # each worker opens its own connection
    workers = os.cpu_count() or 1
    chunks = [ids[i :: workers * 4] for i in range(workers * 4)]
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers, initializer=setup_django) as pool:
        results = list(pool.map(render_chunk, chunks))
    seconds = time.monotonic() - started
    rendered = [row for rows, _ in results for row in rows]
    cpu = sum(cpu for _, cpu in results) / len(rendered)
    rate = len(rendered) / seconds
    size = sum(len(pdf) for _, pdf in rendered) / len(rendered) / 1024
    print(
        f"  rendered {len(rendered)} reports to PDF in {seconds:.1f} s on {workers} workers: "
        f"{rate:.1f} reports/s (target >= 10) {'OK' if rate >= 10 else 'MISSED'}; "
        f"{size:.0f} KiB each on average"
    )
    # On a shared machine the wall rate depends on the neighbours; the CPU time does not.
    print(
        f"  CPU per report {cpu * 1000:.0f} ms, so {workers / cpu:.1f} reports/s on {workers} "
        f"idle cores; load average {os.getloadavg()[0]:.1f} after rendering"
    )
    initial_pages = [_pages(pdf) for kind, pdf in rendered if kind == "initial"]
    one_page = sum(1 for pages in initial_pages if pages == 1)
    print(f"  initial reports on one page: {one_page} of {len(initial_pages)}")
    if one_page != len(initial_pages):
        sys.exit("an initial report ran over one page")


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# ----- phase 2: reports_due ------------------------------------------------------------------


def timed_command(*args: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, obligations listed) of one run in this process."""
    from django.core.management import call_command

    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("reports_due", *args, stdout=out)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return wall, cpu, out.getvalue().count('"kind"')


def phase_due() -> None:
    setup_django()
    from liaison.accounts.models import Location

    args = ["--as-of", AS_OF, "--format", "json"]
    location = Location.objects.order_by("id").first()
    for label, extra in [
        ("the whole practice", []),
        (f"one location ({location.name})", ["--location", str(location.code)]),
    ]:
        cold, cold_cpu, listed = timed_command(*args, *extra)
        runs = [timed_command(*args, *extra) for _ in range(WARM_RUNS)]
        warm = statistics.median(wall for wall, _, _ in runs)
        warm_cpu = statistics.median(cpu for _, cpu, _ in runs)
        verdict = "OK" if max(cold, warm) < 2 else "MISSED"
        print(
            f"  reports_due, {label}: {listed:,} obligations listed; cold {cold:.2f} s "
            f"(CPU {cold_cpu:.2f} s), warm {warm:.2f} s (CPU {warm_cpu:.2f} s); "
            f"target < 2 s {verdict}; load average {os.getloadavg()[0]:.1f}"
        )
    started = time.monotonic()
    subprocess.run([*LIAISON, "reports_due", *args], stdout=subprocess.DEVNULL, check=True)
    print(
        f"  `liaison reports_due` as a command, start-up included: "
        f"{time.monotonic() - started:.2f} s"
    )


# ----- driver ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=["pdf", "due"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=PDF_COUNT, help="PDFs to render")
    parser.add_argument(
        "--large-db",
        type=Path,
        default=None,
        help="an SQLite file already holding the large demo (seeded with "
        f"--as-of {AS_OF}); default: seed a fresh one",
    )
    parser.add_argument("--skip-large", action="store_true", help="PDFs only")
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    args = parser.parse_args()
    if args.phase == "pdf":
        return phase_pdf(args.count)
    if args.phase == "due":
        return phase_due()

    print(f"machine: {os.cpu_count()} cores; SQLite")
    small = Path("/tmp/liaison-bench-reports-small.sqlite3")
    print(f"1. {args.count} reports to PDF")
    seed(small, "small")
    try:
        in_child("pdf", small, "--count", str(args.count))
    finally:
        if not args.keep:
            remove(small)
    if args.skip_large:
        return
    print("2. reports_due on the large demo")
    large = args.large_db or Path("/tmp/liaison-bench-reports-large.sqlite3")
    if args.large_db is None:
        seed(large, "large")
    try:
        in_child("due", large)
    finally:
        if args.large_db is None and not args.keep:
            remove(large)


if __name__ == "__main__":
    main()
