import pytest

from liaison.partners.specialties import TAXONOMY_SPECIALTY, specialty_for_taxonomy

# The NUCC codes a musculoskeletal practice meets most, with the specialty each must map to.
EXPECTED = {
    "111N00000X": "chiropractic",
    "111NS0005X": "chiropractic",
    "2251X0800X": "physical_therapy",
    "2251S0007X": "physical_therapy",
    "225100000X": "physical_therapy",
    "207Q00000X": "primary_care",
    "208D00000X": "primary_care",
    "363LF0000X": "primary_care",
    "207R00000X": "internal_medicine",
    "208000000X": "pediatrics",
    "207QS0010X": "sports_medicine",
    "207RS0010X": "sports_medicine",
    "207XX0005X": "sports_medicine",
    "2081S0010X": "sports_medicine",
    "207X00000X": "orthopedic_surgery",
    "207XS0117X": "orthopedic_surgery",
    "207XX0004X": "orthopedic_surgery",
    "208100000X": "physical_medicine_rehab",
    "2081P2900X": "pain_management",
    "207LP2900X": "pain_management",
    "208VP0014X": "pain_management",
    "261QP3300X": "pain_management",
    "2084N0400X": "neurology",
    "207T00000X": "neurosurgery",
    "2083X0100X": "occupational_medicine",
    "213E00000X": "podiatry",
    "225700000X": "massage_therapy",
    "171100000X": "acupuncture",
    "207P00000X": "emergency_urgent_care",
    "261QU0200X": "emergency_urgent_care",
    "207RR0500X": "rheumatology",
    "2085R0202X": "radiology",
    "261QM1200X": "radiology",
    "207V00000X": "obgyn",
    "103TC0700X": "behavioral_health",
    "122300000X": "dentistry",
    "2255A2300X": "athletic_training",
}


@pytest.mark.parametrize(("code", "slug"), EXPECTED.items())
def test_taxonomy_code_maps_to_its_specialty(code, slug):
    assert specialty_for_taxonomy(code) == slug


def test_every_code_of_the_reference_table_is_mapped():
    reference = (
        "111N00000X 111NS0005X 111NX0800X 111NR0400X 111NN0400X 111NR0200X 111NX0100X "
        "111NI0013X 111NP0017X 2251X0800X 2251S0007X 2251N0400X 2251P0200X 2251G0304X "
        "2251H1200X 225100000X 225200000X 225X00000X 225XH1200X 207Q00000X 207QS0010X "
        "207R00000X 207RS0010X 207RR0500X 208D00000X 208000000X 2080S0010X 207X00000X "
        "207XX0005X 207XS0117X 207XS0106X 207XX0004X 207XS0114X 207XX0801X 208100000X "
        "2081S0010X 2081P2900X 2081N0008X 207LP2900X 208VP0000X 208VP0014X 2084N0400X "
        "2084S0010X 2084P0800X 207T00000X 213E00000X 213ES0000X 213ES0103X 213ES0131X "
        "2083X0100X 2083P0500X 225700000X 171100000X 363L00000X 363LF0000X 363LA2200X "
        "363A00000X 363AM0700X 363AS0400X 207P00000X 207PS0010X 261QU0200X 261QP2000X "
        "261QR0400X 261QP3300X 261QR0200X 261QM1200X 2085R0202X 2085N0700X 122300000X "
        "1223X2210X 207V00000X 207VG0400X 103T00000X 103TC0700X 2255A2300X 1041C0700X "
        "133V00000X 222Z00000X 207L00000X 208600000X"
    ).split()
    assert not [code for code in reference if code not in TAXONOMY_SPECIALTY]


def test_an_unlisted_specialization_falls_back_to_its_classification():
    assert specialty_for_taxonomy("207XZ9999X") == "orthopedic_surgery"


@pytest.mark.parametrize("code", [None, "", "999999999X"])
def test_unknown_or_missing_codes_are_other(code):
    assert specialty_for_taxonomy(code) == "other"


def test_lowercase_and_spaces_are_tolerated():
    assert specialty_for_taxonomy(" 111n00000x ") == "chiropractic"
