"""Seeded random streams and the draws the demo makes from them.

A named stream per concern, so a change in how visits are drawn does not reshuffle partner
names; string seeds are hashed by SHA-512, the same on every run.
"""

import bisect
import itertools
import random
import uuid
from decimal import Decimal

from liaison.core.npi import npi_check_digit


def stream(seed: int, name: str) -> random.Random:
    return random.Random(f"liaison-demo:{seed}:{name}")


def cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def pick(rng: random.Random, items: list, cumulative: list[float]):
    index = bisect.bisect(cumulative, rng.random() * cumulative[-1])
    return items[min(index, len(items) - 1)]


def weighted(rng: random.Random, pairs) -> str:
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def code(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def phone(rng: random.Random, area_code: str) -> str:
    # 555-0100 to 555-0199 are reserved for fiction: no real office gets called.
    return f"({area_code}) 555-{rng.randint(100, 199):04d}"


def npi(rng: random.Random, taken: set[str]) -> str:
    while True:
        first9 = "1" + "".join(rng.choice("0123456789") for _ in range(8))
        drawn = first9 + str(npi_check_digit(first9))
        if drawn not in taken:
            taken.add(drawn)
            return drawn


def cents(amount_cents: int) -> Decimal:
    """Dollars from a drawn whole number of cents."""
    return Decimal(amount_cents).scaleb(-2)
