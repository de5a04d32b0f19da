"""The demo's referral network: which specialties and kinds of organization refer and how
much, their credentials and taxonomy codes, their trend stories, and how we keep in touch."""

from liaison.partners.specialties import TAXONOMY_SPECIALTY, SpecialtySlug

S = SpecialtySlug

# (specialty, share of person partners, relative referral volume)
PERSON_SPECIALTIES = [
    (S.PRIMARY_CARE, 20, 1.0),
    (S.INTERNAL_MEDICINE, 5, 0.8),
    (S.PEDIATRICS, 2, 0.4),
    (S.SPORTS_MEDICINE, 6, 1.4),
    (S.ORTHOPEDIC_SURGERY, 10, 1.6),
    (S.PHYSICAL_MEDICINE_REHAB, 4, 1.3),
    (S.PAIN_MANAGEMENT, 4, 1.2),
    (S.NEUROLOGY, 3, 0.8),
    (S.NEUROSURGERY, 2, 1.2),
    (S.OCCUPATIONAL_MEDICINE, 3, 1.0),
    (S.PODIATRY, 3, 0.7),
    (S.CHIROPRACTIC, 6, 0.8),
    (S.PHYSICAL_THERAPY, 3, 0.6),
    (S.MASSAGE_THERAPY, 4, 0.5),
    (S.ACUPUNCTURE, 2, 0.4),
    (S.EMERGENCY_URGENT_CARE, 4, 0.9),
    (S.RHEUMATOLOGY, 2, 0.7),
    (S.RADIOLOGY, 1, 0.3),
    (S.OBGYN, 3, 0.6),
    (S.BEHAVIORAL_HEALTH, 1, 0.3),
    (S.DENTISTRY, 1, 0.3),
    (S.ATHLETIC_TRAINING, 3, 0.8),
    (S.ATTORNEY, 3, 0.9),
    (S.OTHER, 1, 0.3),
]

# Organizations: (kind of organization, specialty, share, volume, name suffixes)
ORGANIZATION_KINDS = [
    ("clinic", S.PRIMARY_CARE, 30, 1.2, ["Family Medicine", "Primary Care", "Health Partners"]),
    ("clinic", S.ORTHOPEDIC_SURGERY, 15, 1.8, ["Orthopedics", "Bone & Joint", "Orthopaedic Group"]),
    ("clinic", S.SPORTS_MEDICINE, 8, 1.5, ["Sports Medicine", "Sports & Spine"]),
    ("clinic", S.EMERGENCY_URGENT_CARE, 12, 1.0, ["Urgent Care", "Walk-In Clinic"]),
    ("clinic", S.PAIN_MANAGEMENT, 6, 1.2, ["Pain & Spine", "Pain Institute"]),
    ("clinic", S.PHYSICAL_MEDICINE_REHAB, 5, 1.1, ["Rehabilitation Center", "Physiatry"]),
    ("clinic", S.RADIOLOGY, 4, 0.4, ["Imaging", "Open MRI"]),
    (
        "employer",
        S.WORKERS_COMP,
        12,
        0.9,
        [
            "Distribution Center",
            "Construction",
            "Manufacturing",
            "Logistics",
            "Foods",
            "Transit Services",
            "Warehousing",
        ],
    ),
    (
        "wellness",
        S.CORPORATE_WELLNESS,
        8,
        0.7,
        ["Workforce Wellness", "Employee Health Program", "Corporate Wellness"],
    ),
]

# Taxonomy codes a person may hold, per specialty (organization codes 261Q... are left out).
PERSON_TAXONOMY: dict[str, list[str]] = {}
for _code, _slug in TAXONOMY_SPECIALTY.items():
    if not _code.startswith("261Q"):
        PERSON_TAXONOMY.setdefault(_slug, []).append(_code)
ORGANIZATION_TAXONOMY: dict[str, list[str]] = {}
for _code, _slug in TAXONOMY_SPECIALTY.items():
    if _code.startswith("261Q"):
        ORGANIZATION_TAXONOMY.setdefault(_slug, []).append(_code)

# Credentials by taxonomy prefix, longest prefix first.
CREDENTIALS = [
    ("225700000X", ["LMT"]),
    ("225200000X", ["PTA"]),
    ("171100000X", ["LAc"]),
    ("363L", ["FNP-C", "NP"]),
    ("363A", ["PA-C"]),
    ("111N", ["DC"]),
    ("2251", ["DPT", "PT"]),
    ("225X", ["OTR/L"]),
    ("2255", ["ATC"]),
    ("213E", ["DPM"]),
    ("1223", ["DDS", "DMD"]),
    ("103T", ["PhD", "PsyD"]),
    ("1041", ["LCSW"]),
    ("133V", ["RD"]),
    ("222Z", ["CO"]),
    ("20", ["MD", "MD", "MD", "DO"]),
]

PREFERRED_CHANNELS = (
    ["fax"] * 45 + ["email"] * 20 + ["direct"] * 15 + ["portal"] * 12 + ["mail"] * 8
)
PROSPECT_STAGES = ["prospect"] * 40 + ["contacted"] * 30 + ["meeting"] * 20 + ["lost"] * 10
PARTNER_NOTES = [
    "Prefers faxed reports with the outcome scores on page one.",
    "Office manager schedules lunches; call before noon.",
    "Sends most of the post-op shoulders; likes a call after the first visit.",
    "Wants red flags phoned in, not faxed.",
    "New to the area; met at the county medical society dinner.",
    "Refers mostly weekend warriors; likes the return-to-run program.",
    "Asked for patient education handouts in Spanish.",
    "Uses the portal only; never fax.",
]

# Share of referring partners in each trend story (the top of the list gets fixed stories
# so every size shows a cooling top partner and a growing one).
ARCHETYPE_WEIGHTS = {"steady": 62, "growing": 8, "declining": 8, "dormant": 14, "new": 8}
TOP_ARCHETYPES = {1: "declining", 2: "growing", 4: "dormant", 5: "declining", 8: "growing"}
# Volume in the last 90 days and in the year before, against the partner's usual: a
# declining partner sent more than usual last year, then little.
RECENT_MULTIPLIER = {"growing": 2.5, "declining": 0.08}
BASELINE_MULTIPLIER = {"declining": 1.4}
PROSPECT_SHARE = 0.22

TOUCHPOINT_KINDS = [
    ("lunch", 15),
    ("case_discussion", 15),
    ("observation_invite", 5),
    ("article_sent", 12),
    ("office_visit", 18),
    ("call", 15),
    ("email", 15),
    ("event", 3),
    ("other", 2),
]
TOUCHPOINT_NOTES = {
    "lunch": [
        "Lunch-and-learn on low back pain triage for the front office.",
        "Lunch with the MAs; left referral pads.",
        "Team lunch; discussed return-to-work.",
    ],
    "case_discussion": [
        "Discussed a shared patient's progress and imaging.",
        "Reviewed a post-op protocol together.",
    ],
    "observation_invite": [
        "Invited to observe a running gait analysis.",
        "Invited the PA to shadow a vestibular session.",
    ],
    "article_sent": [
        "Sent the 2024 review on exercise therapy for chronic neck pain.",
        "Sent our outcomes summary for last quarter.",
    ],
    "office_visit": [
        "Dropped off brochures and cookies.",
        "Met the new office manager.",
        "Stopped by with updated referral forms.",
    ],
    "call": ["Called about fax delays on reports.", "Check-in call with the referral coordinator."],
    "email": ["Emailed our new Saturday hours.", "Followed up on the last case discussion."],
    "event": ["Booth at the county 5K.", "Co-hosted a community back-health talk."],
    "other": ["Holiday card.", "Congratulated them on the new office."],
}

# The specialties the practice wants in its network: active partners wanted per clinic.
WANTED_SPECIALTIES = {
    S.PRIMARY_CARE: 4,
    S.ORTHOPEDIC_SURGERY: 2,
    S.SPORTS_MEDICINE: 2,
    S.PAIN_MANAGEMENT: 1,
    S.PODIATRY: 1,
    S.NEUROSURGERY: 1,
    S.CHIROPRACTIC: 1,
    S.OCCUPATIONAL_MEDICINE: 1,
}
