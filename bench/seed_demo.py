"""Time `liaison seed_demo` into a fresh SQLite database and report wall time and peak memory.

    .venv/bin/python bench/seed_demo.py --scale medium
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/seed_demo.py --scale large

The database file (default /tmp/liaison-bench-SCALE.sqlite3) is deleted before the run and,
unless --keep is given, after it; an existing file outside the temporary directory is
refused, not deleted. Migrations run first and are not timed; the seed runs in
its own process, whose peak resident set size is read from os.wait4.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
LIAISON = [sys.executable, "-m", "liaison.cli"]


def database_path(scale: str) -> Path:
    default = Path(f"/tmp/liaison-bench-{scale}.sqlite3")
    parsed = urlparse(os.environ.get("DATABASE_URL", ""))
    if parsed.scheme != "sqlite":
        # It deletes the database it measures: never anything but its own SQLite file.
        if parsed.scheme:
            print(f"DATABASE_URL is not SQLite; measuring in {default} instead")
        return default
    return Path("/" + unquote(parsed.path).lstrip("/"))


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_measured(command: list[str], env: dict) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MiB, exit status) of one child process."""
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    return time.monotonic() - started, usage.ru_maxrss // 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    path = database_path(args.scale)
    if path.exists() and not path.is_relative_to(tempfile.gettempdir()):
        # Someone's DATABASE_URL may name a database they care about: never delete it.
        sys.exit(f"{path} exists outside {tempfile.gettempdir()}; delete it yourself first.")
    remove(path)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "PYTHONPATH": str(ROOT)}
    subprocess.run([*LIAISON, "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)

    command = [*LIAISON, "seed_demo", "--scale", args.scale, "--seed", str(args.seed)]
    if args.as_of:
        command += ["--as-of", args.as_of]
    seconds, peak_mib, status = run_measured(command, env)
    size_mib = (
        sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
        // 2**20
    )
    print(
        f"seed_demo --scale {args.scale} --seed {args.seed}: wall {seconds:.1f} s, "
        f"peak RSS {peak_mib} MiB, database {size_mib} MiB ({path}), exit {status}"
    )
    if not args.keep:
        remove(path)
    sys.exit(status)


if __name__ == "__main__":
    main()
