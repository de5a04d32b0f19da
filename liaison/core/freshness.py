"""Figures computed from the whole record (scorecards) are kept for a few minutes under a
version token. A write through the services replaces the token once it commits, so the next
page computes them again; writes that bypass the services (an import) are seen when the kept
figures expire. The token lives in Django's cache, so clearing the cache refreshes everything."""

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "liaison:figures:version"


def figures_version() -> str:
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)


def figures_changed() -> None:
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))
