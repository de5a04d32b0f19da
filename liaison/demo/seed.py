"""`seed_demo`: the demo practice written into an empty database in one transaction, so it
lands whole or not at all; one seed and one as-of date give the same records (UUID codes
and practice ids included) on every run and on both databases."""

import datetime as dt
import time
from collections.abc import Callable

from django.db import connection, transaction

from liaison.accounts.models import Location, User
from liaison.care.models import Patient
from liaison.care.services import clinicians_link_by_name
from liaison.demo import draws, logins, simulation, world, writer
from liaison.insights import facts
from liaison.partners.models import Partner

# Care rows are written per chunk of patients, so memory stays flat whatever the scale.
CHUNK_PATIENTS = 5_000


def existing_data() -> dict[str, int]:
    """What is already in the database that seeding would collide with; empty when none."""
    counts = {
        "users": User.objects.count(),
        "locations": Location.objects.count(),
        "partners": Partner.objects.count(),
        "patients": Patient.objects.count(),
    }
    return {name: n for name, n in counts.items() if n}


def seed_demo(
    *,
    scale: str,
    seed: int,
    today: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Fill an empty database with the demo practice as of `today`; return rows per table.

    The caller makes sure the database is empty (see `existing_data`).
    """
    size = world.SCALES[scale]
    started = time.monotonic()
    with transaction.atomic(), facts.suspended(), connection.cursor() as cursor:
        writer.tune(cursor)
        practice = world.World(
            seed=seed,
            scale=size,
            today=today.toordinal(),
            start=today.toordinal() - size.years * 365 + 1,
            rng=draws.stream(seed, "care"),
            payers=draws.stream(seed, "payers"),
            tables=writer.open_tables(seed=seed),
        )
        _seed_world(practice, cursor)
        _seed_history(practice, cursor, progress)
        clinicians_link_by_name()
        writer.finish(cursor)
    counts = {
        "locations": len(practice.sites),
        "users": User.objects.count(),
        **{name: t.count for name, t in practice.tables.items()},
    }
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _seed_world(practice: world.World, cursor) -> None:
    world.plan_sites(practice)
    writer.write_locations(practice)
    world.plan_clinicians(practice)
    logins.create_staff(practice)
    writer.mark_wanted_specialties(locations=practice.scale.locations)
    world.plan_partners(practice)
    world.add_partners(practice)
    world.add_touchpoints(practice)
    world.add_marketing_spend(practice)
    writer.flush_world(practice.tables, cursor)


def _seed_history(practice: world.World, cursor, progress) -> None:
    patients = practice.tables["patients"]
    pending = chunks = 0
    for day, channel, partner in simulation.intakes(practice):
        simulation.admit(practice, day, channel, partner)
        pending += 1
        if pending >= CHUNK_PATIENTS:
            chunks += 1
            writer.flush_care(practice.tables, cursor, analyze=chunks & (chunks - 1) == 0)
            pending = 0
            if progress:
                progress(patients.count, practice.scale.patients)
    writer.flush_care(practice.tables, cursor, analyze=False)  # writer.finish analyzes
    if progress:
        progress(patients.count, practice.scale.patients)
