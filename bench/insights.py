"""Time the insights on the demo practice, and check them against DuckDB over the practice files.

    .venv/bin/python bench/insights.py                      # large demo, fresh SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_insights \
        .venv/bin/python bench/insights.py
    .venv/bin/python bench/insights.py --scale medium --keep  # keep the database and the files
    .venv/bin/python bench/insights.py --database-url sqlite:////path/large.sqlite3 \
        --prepared /path/export --as-of 2026-12-01        # an already seeded database

Steps: migrate and `liaison seed_demo` into a fresh database (SQLite by default, in
/tmp/liaison-bench-insights-SCALE.sqlite3; a PostgreSQL DATABASE_URL must name an empty
database), `liaison export_practice` into /tmp/liaison-bench-insights-SCALE-ENGINE-files,
then, in this process:

- the full scorecards (every partner, the channels and the response times), cold — the first
  call of a new process on a new database connection — and warm (the median of five calls);
  and every partner's scorecard alone, warm: the figures the DuckDB pass computes;
- one partner's scorecard, for 20 partners spread over the ranking by referrals in the window
  (the busiest first): cold — the first call after the data version changes, which computes the
  rates pooled over all partners again — and warm — the next call, with the pooled rates kept in
  Django's cache under that version, as a page finds them; median and p95 of each;
- the query count of each (one partner's: the figures' queries, and the cache's besides);
- the same partner figures computed by DuckDB straight from the practice files (CSV), the way an
  analyst would, and the time that takes (the median of five passes).

It asserts that both agree on every figure of every partner, then prints the times, their
ratios and whether the targets hold (full scorecards warm under 2 s; the partners' scorecards,
and the full set with channels and response times besides, faster than DuckDB's pass over the
partner figures; one partner warm under 50 ms). Seeding and exporting are not timed. The
cache is the settings' one (a table of the benchmarked database unless REDIS_URL is set):
the run writes to it.
"""

import argparse
import datetime as dt
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
LIAISON = [sys.executable, "-m", "liaison.cli"]
WARM_RUNS = 5
PARTNERS = 20  # one partner's scorecard is timed for this many partners

# The partner figures both sides compute; rates are compared to 1e-9, the rest exactly.
FIGURES = [
    "referrals",
    "mature_referrals",
    "seen",
    "conversion_rate",
    "closed_episodes",
    "compliance_rate",
    "revenue",
    "recent_referrals",
    "baseline_referrals",
]


def prepare(args) -> tuple[str, Path]:
    """A freshly seeded database (its URL) and the folder of its practice files."""
    url = os.environ.get("DATABASE_URL") or (
        f"sqlite:////tmp/liaison-bench-insights-{args.scale}.sqlite3"
    )
    files = Path(f"/tmp/liaison-bench-insights-{args.scale}-{urlparse(url).scheme}-files")
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    if urlparse(url).scheme == "sqlite":
        remove_sqlite(url)
    shutil.rmtree(files, ignore_errors=True)
    steps = [
        ["migrate", "--verbosity", "0"],
        ["seed_demo", "--scale", args.scale, "--seed", str(args.seed), "--as-of", args.as_of],
        ["export_practice", str(files)],
    ]
    for step in steps:
        print(f"$ liaison {' '.join(step)}", flush=True)
        subprocess.run([*LIAISON, *step], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return url, files


def remove_sqlite(url: str) -> None:
    path = "/" + unquote(urlparse(url).path).lstrip("/")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def timed(call) -> tuple[float, int, object]:
    """(seconds, queries, result) of one call."""
    seconds, captured, result = captured_call(call)
    return seconds, len(captured), result


def captured_call(call) -> tuple[float, list[dict], object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    return seconds, queries.captured_queries, result


TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def figure_queries(captured: list[dict]) -> int:
    """The queries that read the practice's records: not the cache's own, nor the transaction
    control around a write to the cache."""
    from django.conf import settings

    table = getattr(settings, "CACHE_TABLE", "liaison_cache")
    return sum(
        table not in q["sql"] and q["sql"].split()[0].upper() not in TRANSACTION_CONTROL
        for q in captured
    )


def measure(scope) -> dict:
    from liaison.insights.queries import scorecards_document
    from liaison.insights.scorecards import partner_scorecards

    cold, full_queries, document = timed(lambda: scorecards_document(scope=scope))
    warm = statistics.median(
        timed(lambda: scorecards_document(scope=scope))[0] for _ in range(WARM_RUNS)
    )
    # The partners' scorecards alone: the figures the DuckDB pass computes too.
    partners_runs = [timed(lambda: partner_scorecards(scope=scope)) for _ in range(WARM_RUNS)]
    return {
        "document": document,
        "full_cold": cold,
        "full_warm": warm,
        "full_queries": full_queries,
        "partners_warm": statistics.median(r[0] for r in partners_runs),
        "partners_queries": partners_runs[0][1],
        **measure_one_partner(scope),
    }


def measure_one_partner(scope) -> dict:
    """One partner's scorecard for PARTNERS partners: cold right after a change of the data
    version (as after any write), then warm."""
    from django.db import connection

    from liaison.insights.data_version import advance
    from liaison.insights.queries import partner_scorecard

    cold, warm = [], []
    for partner in spread_partners(scope):
        advance(connection)  # outside a transaction: a new version at once
        cold.append(captured_call(lambda p=partner: partner_scorecard(scope=scope, partner=p)))
        warm.append(captured_call(lambda p=partner: partner_scorecard(scope=scope, partner=p)))
    return {
        "one_cold": summary(cold),
        "one_warm": summary(warm),
        "one_partners": len(cold),
    }


def spread_partners(scope) -> list:
    """PARTNERS partners spread evenly over the ranking by referrals in the window."""
    from django.db.models import Count

    from liaison.care.models import Referral
    from liaison.partners.models import Partner

    ranked = list(
        Referral.objects.filter(received_on__gte=scope.window_start, received_on__lte=scope.as_of)
        .values("partner_id")
        .annotate(n=Count("id"))
        .order_by("-n", "partner_id")
        .values_list("partner_id", flat=True)
    )
    step = max(1, len(ranked) // PARTNERS)
    picked = Partner.objects.in_bulk(ranked[::step][:PARTNERS])
    return [picked[pk] for pk in ranked[::step][:PARTNERS]]


def summary(calls: list[tuple[float, list[dict], object]]) -> dict:
    """Median and nearest-rank p95 of the seconds; the query counts seen (figures, all)."""
    seconds = sorted(c[0] for c in calls)
    return {
        "median": statistics.median(seconds),
        "p95": seconds[math.ceil(0.95 * len(seconds)) - 1],
        "figure_queries": sorted({figure_queries(c[1]) for c in calls}),
        "queries": sorted({len(c[1]) for c in calls}),
    }


def duckdb_figures(files: Path, scope) -> tuple[float, dict]:
    """The partner figures from the practice files, and the seconds DuckDB takes (reading the
    CSV files included; the median of WARM_RUNS passes, as ours)."""
    import duckdb

    runs = []
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        db = duckdb.connect()
        rows = db.execute(duckdb_sql(files), duckdb_params(scope)).fetchall()
        runs.append(time.perf_counter() - started)
        db.close()
    columns = ["partner_id", *FIGURES]
    return statistics.median(runs), {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def duckdb_params(scope) -> dict:
    return {
        "d": scope.as_of,
        "ws": scope.window_start,
        "mature": scope.mature_until,
        "recent": scope.recent_after,
        "baseline": scope.baseline_after,
    }


def duckdb_sql(files: Path) -> str:
    def csv(name: str, types: str) -> str:
        return f"read_csv('{files / name}', header = true, types = {{{types}}})"

    referrals = csv(
        "referrals.csv", "'referral_id': 'VARCHAR', 'partner_id': 'VARCHAR', 'received_on': 'DATE'"
    )
    episodes = csv(
        "episodes.csv",
        "'episode_id': 'VARCHAR', 'referral_id': 'VARCHAR', "
        "'planned_visits': 'INTEGER', 'ended_on': 'DATE'",
    )
    visits = csv("visits.csv", "'episode_id': 'VARCHAR', 'visit_on': 'DATE'")
    payments = csv(
        "payments.csv", "'episode_id': 'VARCHAR', 'paid_on': 'DATE', 'amount': 'DECIMAL(18,2)'"
    )
    partners = csv("partners.csv", "'partner_id': 'VARCHAR'")
    return f"""
    WITH referrals AS (SELECT * FROM {referrals} WHERE received_on <= $d),
    episodes AS (SELECT * FROM {episodes}),
    attended AS (SELECT * FROM {visits} WHERE status = 'attended' AND visit_on <= $d),
    first_visits AS (
        SELECT e.referral_id, MIN(a.visit_on) AS first_visit
        FROM attended a JOIN episodes e USING (episode_id)
        WHERE e.referral_id IS NOT NULL GROUP BY e.referral_id),
    referral_counts AS (
        SELECT r.partner_id,
            COUNT(*) FILTER (WHERE r.received_on >= $ws) AS referrals,
            COUNT(*) FILTER (WHERE r.received_on >= $ws AND r.received_on <= $mature)
                AS mature_referrals,
            COUNT(*) FILTER (WHERE r.received_on >= $ws AND f.first_visit IS NOT NULL) AS seen,
            COUNT(*) FILTER (WHERE r.received_on >= $ws AND r.received_on <= $mature
                AND f.first_visit IS NOT NULL) AS seen_mature,
            COUNT(*) FILTER (WHERE r.received_on > $recent) AS recent_referrals,
            COUNT(*) FILTER (WHERE r.received_on > $baseline AND r.received_on <= $recent)
                AS baseline_referrals
        FROM referrals r LEFT JOIN first_visits f USING (referral_id)
        GROUP BY r.partner_id),
    closed AS (
        SELECT r.partner_id, e.episode_id, e.planned_visits, COUNT(a.episode_id) AS attended
        FROM episodes e JOIN referrals r USING (referral_id)
        LEFT JOIN attended a USING (episode_id)
        WHERE e.ended_on >= $ws AND e.ended_on <= $d
        GROUP BY r.partner_id, e.episode_id, e.planned_visits),
    care AS (
        SELECT partner_id, COUNT(*) AS closed_episodes,
            AVG(LEAST(1.0, attended / planned_visits)) FILTER (WHERE planned_visits > 0)
                AS compliance_rate
        FROM closed GROUP BY partner_id),
    revenue AS (
        SELECT r.partner_id, SUM(p.amount) AS revenue
        FROM {payments} p JOIN episodes e USING (episode_id) JOIN referrals r USING (referral_id)
        WHERE p.paid_on >= $ws AND p.paid_on <= $d GROUP BY r.partner_id)
    SELECT p.partner_id,
        COALESCE(c.referrals, 0), COALESCE(c.mature_referrals, 0), COALESCE(c.seen, 0),
        c.seen_mature / NULLIF(c.mature_referrals, 0),
        COALESCE(k.closed_episodes, 0), k.compliance_rate,
        COALESCE(v.revenue, 0), COALESCE(c.recent_referrals, 0),
        COALESCE(c.baseline_referrals, 0)
    FROM {partners} p
    LEFT JOIN referral_counts c USING (partner_id)
    LEFT JOIN care k USING (partner_id)
    LEFT JOIN revenue v USING (partner_id)
    """


def disagreements(ours: list[dict], theirs: dict) -> list[str]:
    problems = []
    if len(ours) != len(theirs):
        problems.append(f"{len(ours)} partners here, {len(theirs)} in DuckDB")
    for partner in ours:
        other = theirs.get(partner["partner_id"])
        if other is None:
            problems.append(f"{partner['partner_id']}: missing in DuckDB")
            continue
        for name in FIGURES:
            if not same(partner[name], other[name]):
                problems.append(f"{partner['partner_id']} {name}: {partner[name]} vs {other[name]}")
    return problems


def same(ours, theirs) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, str):  # money
        return Decimal(ours) == Decimal(theirs)
    if isinstance(ours, float):
        return math.isclose(ours, float(theirs), rel_tol=1e-9)
    return ours == theirs


def report(engine: str, m: dict, duck_seconds: float, partners: int) -> None:
    lines = [
        f"insights benchmark on {engine}: {partners:,} partners, as of {m['as_of']}",
        f"  full scorecards  cold {m['full_cold']:8.3f} s   warm {m['full_warm']:8.3f} s"
        f"   {m['full_queries']} queries (every partner, the channels, the response times)",
        f"  partners' scorecards alone      warm {m['partners_warm']:8.3f} s"
        f"   {m['partners_queries']} queries",
        f"  one partner ({m['one_partners']} partners)",
        one_partner_line("cold (data just changed)", m["one_cold"]),
        one_partner_line("warm (pooled rates kept)", m["one_warm"]),
        f"  DuckDB over the practice files (partner figures)  {duck_seconds:8.3f} s",
        f"  DuckDB ÷ ours: partners' scorecards {duck_seconds / m['partners_warm']:.2f}, "
        f"full {duck_seconds / m['full_warm']:.2f}",
        "  targets: full warm < 2 s: "
        + yes(m["full_warm"] < 2)
        + "; faster than DuckDB: partners' scorecards "
        + yes(m["partners_warm"] < duck_seconds)
        + ", full "
        + yes(m["full_warm"] < duck_seconds)
        + "; one partner warm < 50 ms: "
        + yes(m["one_warm"]["median"] < 0.05),
    ]
    print("\n".join(lines))


def one_partner_line(label: str, s: dict) -> str:
    return (
        f"    {label:<26} median {s['median'] * 1000:7.1f} ms  p95 {s['p95'] * 1000:7.1f} ms"
        f"  {slashed(s['figure_queries'])} queries on the records,"
        f" {slashed(s['queries'])} with the cache's"
    )


def slashed(values: list[int]) -> str:
    return "/".join(map(str, values))


def yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default=dt.date.today().isoformat(), help="YYYY-MM-DD")
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    parser.add_argument(
        "--prepared",
        type=Path,
        default=None,
        metavar="DIR",
        help="skip seeding: DATABASE_URL is already seeded and DIR holds its export (kept)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        metavar="URL",
        help="the database to use instead of DATABASE_URL (with --prepared: already seeded)",
    )
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url

    if args.prepared:
        url, files, args.keep = os.environ["DATABASE_URL"], args.prepared, True
    else:
        url, files = prepare(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from liaison.insights.scope import Scope

    if connection.vendor == "postgresql":
        # What autovacuum would do after a bulk load: planner statistics and a visibility map
        # (index-only scans). Not timed.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    scope = Scope(as_of=dt.date.fromisoformat(args.as_of))
    measured = {**measure(scope), "as_of": scope.as_of}
    duck_seconds, theirs = duckdb_figures(files, scope)
    ours = measured["document"]["partners"]
    problems = disagreements(ours, theirs)
    report(connection.vendor, measured, duck_seconds, len(ours))
    if not args.keep:
        shutil.rmtree(files, ignore_errors=True)
        if urlparse(url).scheme == "sqlite":
            remove_sqlite(url)
    if problems:
        print(f"DISAGREEMENT on {len(problems)} figures:", *problems[:20], sep="\n  ")
        sys.exit(1)
    print(f"  DuckDB and Liaison agree on {len(FIGURES)} figures of each of {len(ours):,} partners")


if __name__ == "__main__":
    main()
