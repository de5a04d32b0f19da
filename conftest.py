"""The shared cast: an owner, a clinician at location A, a front desk at location B,
a liaison without access to patient data, and an outsider with no role."""

import pytest

from liaison.accounts.models import Role
from liaison.factories import LocationFactory, UserFactory


def pytest_configure(config):
    """Tests hash passwords with MD5: Argon2 is slow on purpose, and the suite would spend
    most of its time in it. test_login.py checks that production stores Argon2 hashes.

    WhiteNoise finds a static file when it is asked for, instead of listing every static
    file whenever a test client starts (a fifth of a short test's time)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def location_a(db):
    return LocationFactory(name="Riverside Clinic")


@pytest.fixture
def location_b(db):
    return LocationFactory(name="Hillcrest Clinic")


@pytest.fixture
def owner(location_a, location_b):
    return UserFactory(username="owner", role=Role.MANAGER, is_staff=True)


@pytest.fixture
def clinician(location_a):
    return UserFactory(
        username="clinician", role=Role.CLINICIAN, credentials="DPT", locations=[location_a]
    )


@pytest.fixture
def front_desk(location_b):
    return UserFactory(username="frontdesk", role=Role.FRONT_DESK, locations=[location_b])


@pytest.fixture
def liaison_user(location_a):
    return UserFactory(username="liaison", role=Role.LIAISON, locations=[location_a])


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def _password_only(request, settings):
    """Tests sign in with `force_login`, which has no second step: two-factor sign-in is
    required only in the tests marked `two_factor`, which go through it (accounts/tests)."""
    if not request.node.get_closest_marker("two_factor"):
        settings.TWO_FACTOR_ROLES = []
        settings.TWO_FACTOR_FOR_ALL = False


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Pages keep computed figures in Django's cache and in this process, keyed by the data
    version (liaison/insights/kept.py), which every test's rolled-back database repeats:
    forgetting them makes every test start afresh, so that one test's figures never stand in
    for another's. The cache is a table of the database (settings.CACHES), so only a test
    given the database has one to clear."""
    from django.core.cache import cache

    from liaison.insights.kept import forget

    if not _uses_database(request):
        return
    request.getfixturevalue("_django_db_helper")  # the database as the test asked for it
    cache.clear()
    forget()


def _uses_database(request) -> bool:
    wanted = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}
    return bool(request.node.get_closest_marker("django_db")) or bool(
        wanted & set(request.fixturenames)
    )
