"""Saving what a clinician records at evaluation and at discharge, from the clinician's pages.

These write the care app's records. They live here because the pages that collect them are
the letters' pages; when care grows its own services they belong in care/services.py.
"""

from django.db import transaction

from liaison.care.models import Episode, RedFlag


def episode_record_evaluation(*, form, findings, red_flags, outcomes) -> Episode:
    """Save the evaluation from valid forms: episode fields, findings, red flags, scores."""
    with transaction.atomic():
        episode = form.save()
        findings.save()
        outcomes.save()
        _save_red_flags(episode, red_flags)
    return episode


def episode_record_discharge(*, form, outcomes) -> Episode:
    with transaction.atomic():
        episode = form.save()
        outcomes.save()
    return episode


def _save_red_flags(episode: Episode, red_flags) -> None:
    for answer in red_flags.cleaned_data:
        present = answer.get("present")
        if not present:  # not asked: nothing recorded, an earlier answer is withdrawn
            RedFlag.objects.filter(episode=episode, kind=answer["kind"]).delete()
            continue
        RedFlag.objects.update_or_create(
            episode=episode,
            kind=answer["kind"],
            defaults={"present": present == "yes", "notes": answer.get("notes", "")},
        )
