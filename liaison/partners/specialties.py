"""Specialties and the NUCC provider taxonomy codes that map to them."""

from django.db import models


class SpecialtySlug(models.TextChoices):
    PRIMARY_CARE = "primary_care", "Primary care"
    INTERNAL_MEDICINE = "internal_medicine", "Internal medicine"
    PEDIATRICS = "pediatrics", "Pediatrics"
    SPORTS_MEDICINE = "sports_medicine", "Sports medicine"
    ORTHOPEDIC_SURGERY = "orthopedic_surgery", "Orthopedic surgery"
    PHYSICAL_MEDICINE_REHAB = "physical_medicine_rehab", "Physical medicine & rehabilitation"
    PAIN_MANAGEMENT = "pain_management", "Pain management"
    NEUROLOGY = "neurology", "Neurology"
    NEUROSURGERY = "neurosurgery", "Neurosurgery"
    OCCUPATIONAL_MEDICINE = "occupational_medicine", "Occupational medicine"
    WORKERS_COMP = "workers_comp", "Workers' compensation"
    CORPORATE_WELLNESS = "corporate_wellness", "Corporate wellness"
    PODIATRY = "podiatry", "Podiatry"
    PHYSICAL_THERAPY = "physical_therapy", "Physical therapy"
    CHIROPRACTIC = "chiropractic", "Chiropractic"
    MASSAGE_THERAPY = "massage_therapy", "Massage therapy"
    ACUPUNCTURE = "acupuncture", "Acupuncture"
    EMERGENCY_URGENT_CARE = "emergency_urgent_care", "Emergency & urgent care"
    RHEUMATOLOGY = "rheumatology", "Rheumatology"
    RADIOLOGY = "radiology", "Radiology"
    OBGYN = "obgyn", "Obstetrics & gynecology"
    BEHAVIORAL_HEALTH = "behavioral_health", "Behavioral health"
    DENTISTRY = "dentistry", "Dentistry"
    ATHLETIC_TRAINING = "athletic_training", "Athletic training"
    ATTORNEY = "attorney", "Attorney"
    OTHER = "other", "Other"


S = SpecialtySlug

# NUCC Health Care Provider Taxonomy code -> specialty. A code not listed maps by its
# four-character classification prefix (CLASSIFICATION_PREFIXES), then to `other`.
TAXONOMY_SPECIALTY: dict[str, str] = {
    # Chiropractors
    "111N00000X": S.CHIROPRACTIC,
    "111NS0005X": S.CHIROPRACTIC,
    "111NX0800X": S.CHIROPRACTIC,
    "111NR0400X": S.CHIROPRACTIC,
    "111NN0400X": S.CHIROPRACTIC,
    "111NR0200X": S.CHIROPRACTIC,
    "111NX0100X": S.CHIROPRACTIC,
    "111NI0013X": S.CHIROPRACTIC,
    "111NP0017X": S.CHIROPRACTIC,
    # Physical and occupational therapy
    "225100000X": S.PHYSICAL_THERAPY,
    "2251X0800X": S.PHYSICAL_THERAPY,
    "2251S0007X": S.PHYSICAL_THERAPY,
    "2251N0400X": S.PHYSICAL_THERAPY,
    "2251P0200X": S.PHYSICAL_THERAPY,
    "2251G0304X": S.PHYSICAL_THERAPY,
    "2251H1200X": S.PHYSICAL_THERAPY,
    "225200000X": S.PHYSICAL_THERAPY,
    "225X00000X": S.PHYSICAL_THERAPY,
    "225XH1200X": S.PHYSICAL_THERAPY,
    "261QP2000X": S.PHYSICAL_THERAPY,
    # Primary care
    "207Q00000X": S.PRIMARY_CARE,
    "208D00000X": S.PRIMARY_CARE,
    "363L00000X": S.PRIMARY_CARE,
    "363LF0000X": S.PRIMARY_CARE,
    "363LA2200X": S.PRIMARY_CARE,
    "363A00000X": S.PRIMARY_CARE,
    "363AM0700X": S.PRIMARY_CARE,
    "363AS0400X": S.ORTHOPEDIC_SURGERY,
    "207R00000X": S.INTERNAL_MEDICINE,
    "208000000X": S.PEDIATRICS,
    # Sports medicine, whatever the board
    "207QS0010X": S.SPORTS_MEDICINE,
    "207RS0010X": S.SPORTS_MEDICINE,
    "2080S0010X": S.SPORTS_MEDICINE,
    "207XX0005X": S.SPORTS_MEDICINE,
    "2081S0010X": S.SPORTS_MEDICINE,
    "2084S0010X": S.SPORTS_MEDICINE,
    "207PS0010X": S.SPORTS_MEDICINE,
    "213ES0000X": S.PODIATRY,
    # Orthopedics
    "207X00000X": S.ORTHOPEDIC_SURGERY,
    "207XS0117X": S.ORTHOPEDIC_SURGERY,
    "207XS0106X": S.ORTHOPEDIC_SURGERY,
    "207XX0004X": S.ORTHOPEDIC_SURGERY,
    "207XS0114X": S.ORTHOPEDIC_SURGERY,
    "207XX0801X": S.ORTHOPEDIC_SURGERY,
    "208600000X": S.ORTHOPEDIC_SURGERY,
    # Physical medicine, pain, neurology
    "208100000X": S.PHYSICAL_MEDICINE_REHAB,
    "2081N0008X": S.PHYSICAL_MEDICINE_REHAB,
    "261QR0400X": S.PHYSICAL_MEDICINE_REHAB,
    "2081P2900X": S.PAIN_MANAGEMENT,
    "207LP2900X": S.PAIN_MANAGEMENT,
    "208VP0000X": S.PAIN_MANAGEMENT,
    "208VP0014X": S.PAIN_MANAGEMENT,
    "261QP3300X": S.PAIN_MANAGEMENT,
    "207L00000X": S.PAIN_MANAGEMENT,
    "2084N0400X": S.NEUROLOGY,
    "207T00000X": S.NEUROSURGERY,
    # Occupational medicine
    "2083X0100X": S.OCCUPATIONAL_MEDICINE,
    "2083P0500X": S.OCCUPATIONAL_MEDICINE,
    # Other clinical fields
    "213E00000X": S.PODIATRY,
    "213ES0103X": S.PODIATRY,
    "213ES0131X": S.PODIATRY,
    "225700000X": S.MASSAGE_THERAPY,
    "171100000X": S.ACUPUNCTURE,
    "207P00000X": S.EMERGENCY_URGENT_CARE,
    "261QU0200X": S.EMERGENCY_URGENT_CARE,
    "207RR0500X": S.RHEUMATOLOGY,
    "2085R0202X": S.RADIOLOGY,
    "2085N0700X": S.RADIOLOGY,
    "261QR0200X": S.RADIOLOGY,
    "261QM1200X": S.RADIOLOGY,
    "207V00000X": S.OBGYN,
    "207VG0400X": S.OBGYN,
    "2084P0800X": S.BEHAVIORAL_HEALTH,
    "103T00000X": S.BEHAVIORAL_HEALTH,
    "103TC0700X": S.BEHAVIORAL_HEALTH,
    "1041C0700X": S.BEHAVIORAL_HEALTH,
    "122300000X": S.DENTISTRY,
    "1223X2210X": S.DENTISTRY,
    "2255A2300X": S.ATHLETIC_TRAINING,
    "133V00000X": S.OTHER,
    "222Z00000X": S.OTHER,
}

# Classification prefixes for codes not listed above (e.g. a new NUCC specialization).
CLASSIFICATION_PREFIXES: dict[str, str] = {
    "111N": S.CHIROPRACTIC,
    "2251": S.PHYSICAL_THERAPY,
    "225X": S.PHYSICAL_THERAPY,
    "207Q": S.PRIMARY_CARE,
    "207R": S.INTERNAL_MEDICINE,
    "2080": S.PEDIATRICS,
    "207X": S.ORTHOPEDIC_SURGERY,
    "2081": S.PHYSICAL_MEDICINE_REHAB,
    "208V": S.PAIN_MANAGEMENT,
    "2084": S.NEUROLOGY,
    "207T": S.NEUROSURGERY,
    "2083": S.OCCUPATIONAL_MEDICINE,
    "213E": S.PODIATRY,
    "2085": S.RADIOLOGY,
    "207V": S.OBGYN,
    "103T": S.BEHAVIORAL_HEALTH,
    "1223": S.DENTISTRY,
    "207P": S.EMERGENCY_URGENT_CARE,
}


def specialty_for_taxonomy(code: str | None) -> str:
    """The specialty slug for a NUCC taxonomy code; `other` for an unknown or empty code."""
    if not code:
        return S.OTHER
    code = code.strip().upper()
    return TAXONOMY_SPECIALTY.get(code) or CLASSIFICATION_PREFIXES.get(code[:4], S.OTHER)
