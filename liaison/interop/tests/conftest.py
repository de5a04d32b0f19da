"""What the practice-file tests share: records already in the database, and a checksum."""

import hashlib

import pytest
from django.db import connection

from liaison.factories import (
    EpisodeFactory,
    LocationFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
)


@pytest.fixture
def existing(db):
    """One of each record the corpus files refer to, with the practice ids L0, ORG0, P0..."""
    location = LocationFactory(external_id="L0", name="Riverside Clinic")
    org = PartnerFactory(
        external_id="ORG0",
        kind="organization",
        organization_name="Front Range Ortho",
        first_name="",
        last_name="",
        npi=None,
    )
    partner = PartnerFactory(external_id="P0", works_at=org, npi="1004242420")
    patient = PatientFactory(
        external_id="PT0", location=location, channel="referral", source_partner=partner
    )
    referral = ReferralFactory(external_id="R0", patient=patient, partner=partner)
    EpisodeFactory(external_id="E0", patient=patient, referral=referral)


def database_checksum() -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of all its rows in primary key order."""
    sums = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            sums[table] = (count, digest.hexdigest())
    return sums
