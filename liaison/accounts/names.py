"""Who a clinician named in free text is: "Maya Okafor, DPT" and "maya okafor" are one person.

Used where a name arrives as text (the practice files, the data written before episodes
referred to users) and must become a reference to the user."""

from collections import Counter
from collections.abc import Iterable


def name_key(name: str) -> str:
    """The name without credentials (after the first comma), spacing or case."""
    return " ".join(name.split(",")[0].split()).casefold()


def users_by_name(users: Iterable[tuple[int, str, str]]) -> dict[str, int]:
    """Name key → user id for every full name that exactly one of `users` (id, first name,
    last name) carries: a name two people share matches nobody."""
    keyed = [(name_key(f"{first} {last}"), pk) for pk, first, last in users]
    counts = Counter(key for key, _ in keyed)
    return {key: pk for key, pk in keyed if key and counts[key] == 1}
