"""The demo practice that `liaison seed_demo` writes: a deterministic, realistic history.

Everything is drawn from `random.Random` streams derived from the seed (`draws`), and every
date is reckoned from the as-of date `today`, so one seed and one `today` give the same
records on every run and on both databases.

- `places`, `network`, `care`: the tables the demo is drawn from (ZIP codes, names, the
  partner mix and their stories, complaints, courses of care, report habits).
- `world`: the practice before its history (clinics, clinicians, partners, touchpoints,
  marketing spend); `simulation`: the history, patient by patient.
- `writer`: the bulk writer; `logins`: the demo's users; `seed`: the entry point.

The tables and the simulation use neither the ORM nor the database: they hand their rows
to the writer.
"""

from liaison.demo.logins import DEMO_PASSWORD, DEMO_USERNAMES, demo_logins
from liaison.demo.seed import CHUNK_PATIENTS, existing_data, seed_demo
from liaison.demo.world import PUBLIC_SCALES, SCALES

__all__ = [
    "CHUNK_PATIENTS",
    "DEMO_PASSWORD",
    "DEMO_USERNAMES",
    "PUBLIC_SCALES",
    "SCALES",
    "demo_logins",
    "existing_data",
    "seed_demo",
]
