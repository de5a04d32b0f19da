"""Practice files at scale: export the demo, import it into an empty SQLite database.

    .venv/bin/python bench/practice_files.py                  # the large demo
    .venv/bin/python bench/practice_files.py --scale medium   # quicker
    .venv/bin/python bench/practice_files.py --files /work/large/export  # an export made before

Seeds the demo into a fresh SQLite file (or reuses the one a previous `--keep` run left),
exports it with `liaison export_practice`, migrates a second, empty SQLite file and imports
the export into it. Reports, for the import: rows per second, wall time and the peak
resident memory of the import process; and a bare `csv.reader` pass over the same files in
this process, with the ratio of the two. Target: 50,000 rows/s and under 1 GB.
With --files, the files of an earlier export are imported instead (no seeding, no export;
the folder is only read).
Everything is written under --workdir (default /tmp) and removed afterwards unless --keep.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIAISON = [sys.executable, "-m", "liaison.cli"]
TARGET_ROWS_PER_SECOND = 50_000
TARGET_PEAK_MIB = 1024


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def liaison(database: Path, *args: str, measured: bool = False) -> tuple[float, int, float]:
    """Run one `liaison` command on `database`: (wall seconds, peak RSS in MiB, CPU seconds)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    child = subprocess.Popen(
        [*LIAISON, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL if not measured else None
    )
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"liaison {' '.join(args)} failed")
    cpu = usage.ru_utime + usage.ru_stime
    return time.monotonic() - started, usage.ru_maxrss // 1024, cpu  # ru_maxrss: KiB on Linux


def csv_pass(folder: Path) -> tuple[int, float]:
    """Rows in the files and the seconds a bare csv.reader takes to read them."""
    started = time.monotonic()
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            rows += sum(1 for _ in csv.reader(f)) - 1  # less the header
    return rows, time.monotonic() - started


def seeded(workdir: Path, scale: str) -> Path:
    database = workdir / f"liaison-bench-practice-{scale}-demo.sqlite3"
    if database.exists():
        print(f"reusing the demo in {database}")
        return database
    liaison(database, "migrate", "--verbosity", "0")
    seconds, _, _ = liaison(database, "seed_demo", "--scale", scale, "--verbosity", "0")
    print(f"seed_demo --scale {scale}: {seconds:.0f} s")
    return database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="large")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    parser.add_argument(
        "--files",
        type=Path,
        help="import this export of the demo (only read) instead of making one",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the seeded demo (reused next time) and the export"
    )
    args = parser.parse_args()

    target = args.workdir / f"liaison-bench-practice-{args.scale}-import.sqlite3"
    remove_database(target)
    if args.files:
        export, export_seconds = args.files, None
    else:
        demo = seeded(args.workdir, args.scale)
        export = args.workdir / f"liaison-bench-practice-{args.scale}-files"
        shutil.rmtree(export, ignore_errors=True)
    try:
        if not args.files:
            export_seconds, _, _ = liaison(demo, "export_practice", str(export))
        liaison(target, "migrate", "--verbosity", "0")
        rows, csv_seconds = csv_pass(export)
        import_seconds, peak_mib, import_cpu = liaison(
            target, "import_practice", str(export), measured=True
        )
    finally:
        remove_database(target)
        if not args.keep and not args.files:
            shutil.rmtree(export, ignore_errors=True)
            remove_database(demo)
    _report(args.scale, rows, export_seconds, csv_seconds, import_seconds, peak_mib, import_cpu)


def _report(scale, rows, export_seconds, csv_seconds, import_seconds, peak_mib, cpu) -> None:
    rate = rows / import_seconds
    ok = rate >= TARGET_ROWS_PER_SECOND and peak_mib < TARGET_PEAK_MIB
    print(f"practice files, {scale} demo, {rows:,} rows")
    if export_seconds is not None:
        print(
            f"  export_practice      {export_seconds:8.1f} s  "
            f"{rows / export_seconds:>10,.0f} rows/s"
        )
    print(f"  csv.reader pass      {csv_seconds:8.1f} s  {rows / csv_seconds:>10,.0f} rows/s")
    print(
        f"  import_practice      {import_seconds:8.1f} s  {rate:>10,.0f} rows/s  "
        f"peak RSS {peak_mib} MiB"
    )
    print(f"  import CPU time      {cpu:8.1f} s  {rows / cpu:>10,.0f} rows per CPU second")
    print(f"  import / csv.reader  {import_seconds / csv_seconds:8.1f} x the time")
    # Other work on the machine slows the wall clock, not the CPU time: say how busy it was.
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"  target: {TARGET_ROWS_PER_SECOND:,} rows/s and < {TARGET_PEAK_MIB} MiB: "
        f"{'met' if ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
