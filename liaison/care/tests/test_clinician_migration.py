"""The migration that makes an episode's clinician a user keeps every name written so far.

Its schema steps are Django's own; what is ours is the matching, run here on today's models
(which have the same two fields as the migration's state)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from liaison.care.models import Episode
from liaison.factories import EpisodeFactory, UserFactory

migration = importlib.import_module("liaison.care.migrations.0010_episode_clinician_is_a_user")


@pytest.mark.django_db
def test_written_names_are_matched_to_users_and_the_rest_kept_for_a_manager():
    maya = UserFactory(first_name="Maya", last_name="Okafor")
    UserFactory(first_name="Sam", last_name="Lee")
    UserFactory(first_name="Sam", last_name="Lee")
    for written in ("Maya Okafor", "Maya Okafor, DPT", "Sam Lee", "Kim Ito", ""):
        EpisodeFactory(clinician_name=written, started_on=dt.date(2026, 3, 4))

    migration.link_clinicians(apps, None)

    assert list(Episode.objects.order_by("id").values_list("clinician_name", "clinician")) == [
        ("Maya Okafor", maya.pk),
        ("Maya Okafor, DPT", maya.pk),
        ("Sam Lee", None),  # two users share the name: a manager says which
        ("Kim Ito", None),
        ("", None),
    ]
