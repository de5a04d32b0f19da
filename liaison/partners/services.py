from liaison.partners.models import Specialty
from liaison.partners.specialties import SpecialtySlug


def specialties_sync() -> None:
    """Make sure every specialty slug has its row; keeps the practice's wanted/target settings."""
    existing = set(Specialty.objects.values_list("slug", flat=True))
    Specialty.objects.bulk_create(
        Specialty(slug=slug, name=label)
        for slug, label in SpecialtySlug.choices
        if slug not in existing
    )


def specialties_sync_after_migrate(**kwargs) -> None:
    specialties_sync()
