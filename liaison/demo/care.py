"""The demo's patients and their care: how they find us and who pays, when they come,
their complaints and how their episodes go, the reports we owe and how late they go out."""

from liaison.partners.specialties import SpecialtySlug

S = SpecialtySlug

CHANNEL_WEIGHTS = [
    ("referral", 42),
    ("self", 11),
    ("web_search", 15),
    ("social", 6),
    ("patient_word_of_mouth", 12),
    ("insurance_directory", 6),
    ("employer", 4),
    ("event", 2),
    ("other", 2),
]

# Marketing spend per channel (referral partners cost their touchpoints; walk-ins nothing):
# dollars per new patient won, the share of months with a payment, whether each location
# buys its own, and what the money bought.
MARKETING = {
    "web_search": (130, 1.0, True, "Search ads"),
    "social": (170, 1.0, True, "Facebook and Instagram ads"),
    "insurance_directory": (60, 1.0, False, "Directory listings (Healthgrades, Zocdoc)"),
    "employer": (80, 0.5, False, "Worksite wellness talks and screenings"),
    "event": (150, 0.35, True, "Community event booth and back-health talk"),
    "patient_word_of_mouth": (15, 1.0, False, "Review requests and thank-you cards"),
    "other": (100, 0.25, False, "Community newspaper ad"),
}
# Who pays when a patient is insured, neither Medicare nor workers' compensation.
INSURERS = [("commercial", 80), ("medicaid", 14), ("auto", 4), ("other", 2)]

# Referrals cluster in January (deductibles reset) and dip in summer and December.
SEASON = {
    1: 1.14,
    2: 1.05,
    3: 1.10,
    4: 1.04,
    5: 1.0,
    6: 0.93,
    7: 0.85,
    8: 0.91,
    9: 1.06,
    10: 1.05,
    11: 0.96,
    12: 0.81,
}
WEEKDAY_WEIGHT = (1.0, 0.96, 0.92, 0.88, 0.78, 0.10, 0.04)  # Monday .. Sunday

# complaint: (instrument, ICD-10 codes, reason templates)
COMPLAINTS = {
    "back": (
        "ODI",
        ["M54.50", "M54.16", "M51.26", "M54.41", "M48.061", "M53.3"],
        [
            "Low back pain for {w} weeks, worse with sitting.",
            "Low back pain radiating to the left leg for {w} weeks; please evaluate and treat.",
            "Lumbar disc herniation on MRI; conservative care for {w} weeks first.",
            "Chronic low back pain, flare for {w} weeks after lifting at work.",
        ],
    ),
    "neck": (
        "NDI",
        ["M54.2", "M50.20", "S13.4XXA", "M54.12"],
        [
            "Neck pain and stiffness for {w} weeks after a rear-end collision.",
            "Cervical radiculopathy, right arm tingling for {w} weeks.",
            "Mechanical neck pain with headaches for {w} weeks.",
        ],
    ),
    "arm": (
        "QuickDASH",
        ["M75.100", "M75.41", "M77.11", "G56.01", "S46.011A", "M19.011"],
        [
            "Right shoulder pain with overhead reach for {w} weeks.",
            "Lateral elbow pain for {w} weeks; tennis elbow suspected.",
            "Rotator cuff strain; evaluate and treat for {w} weeks.",
            "Carpal tunnel symptoms for {w} weeks; splint not enough.",
        ],
    ),
    "leg": (
        "LEFS",
        ["M17.11", "M25.561", "S83.511A", "M76.51", "S93.401A", "M16.11", "M72.2"],
        [
            "Right knee pain with stairs for {w} weeks.",
            "Ankle sprain {w} weeks ago, still unstable.",
            "Hip osteoarthritis; strengthening before a surgical opinion, {w} weeks of pain.",
            "Plantar fasciitis for {w} weeks despite orthotics.",
            "ACL reconstruction {w} weeks ago; continue rehabilitation.",
        ],
    ),
    "other": (
        "NPRS",
        ["M26.609", "R51.9", "M79.7", "M62.830"],
        [
            "Jaw pain and clicking for {w} weeks.",
            "Tension-type headaches for {w} weeks.",
            "Widespread muscle pain for {w} weeks; gentle program please.",
        ],
    ),
}
DIAGNOSES = {
    "M54.50": "Low back pain",
    "M54.16": "Lumbar radiculopathy",
    "M51.26": "Lumbar disc displacement",
    "M54.41": "Low back pain with right-sided sciatica",
    "M48.061": "Lumbar spinal stenosis",
    "M53.3": "Coccyx pain",
    "M54.2": "Neck pain",
    "M50.20": "Cervical disc displacement",
    "S13.4XXA": "Whiplash sprain of the cervical spine",
    "M54.12": "Cervical radiculopathy",
    "M75.100": "Rotator cuff tear",
    "M75.41": "Right shoulder impingement",
    "M77.11": "Lateral epicondylitis, right elbow",
    "G56.01": "Carpal tunnel syndrome, right",
    "S46.011A": "Right rotator cuff strain",
    "M19.011": "Right shoulder osteoarthritis",
    "M17.11": "Right knee osteoarthritis",
    "M25.561": "Right knee pain",
    "S83.511A": "Right ACL sprain",
    "M76.51": "Right patellar tendinopathy",
    "S93.401A": "Right ankle sprain",
    "M16.11": "Right hip osteoarthritis",
    "M72.2": "Plantar fasciitis",
    "M26.609": "Temporomandibular joint disorder",
    "R51.9": "Headache",
    "M79.7": "Fibromyalgia",
    "M62.830": "Muscle spasm of the back",
}
INTERVENTIONS = {
    "back": "Spinal mobilization, graded walking and core endurance program, pain education.",
    "neck": "Cervical and thoracic mobilization, deep neck flexor training, posture coaching.",
    "arm": "Scapular and rotator cuff strengthening, soft tissue work, load management.",
    "leg": "Progressive strengthening, balance and gait training, return-to-activity plan.",
    "other": "Manual therapy, relaxation training, graded activity and sleep hygiene advice.",
}
SURGICAL_DISCUSSIONS = [
    "Discussed that surgery is an option if six weeks of care bring no change; patient "
    "prefers conservative care first.",
    "Reviewed the surgeon's opinion; we agreed to reassess surgical referral at 8 weeks.",
    "Patient asked about surgery; explained the evidence for exercise first.",
]
RECOMMENDATIONS = [
    "Continue the home exercise program three times a week; return if symptoms recur.",
    "Keep walking 30 minutes a day; gym program handed over.",
    "Ergonomic changes at work to continue; recheck in three months if pain returns.",
]
FOLLOW_UPS = [
    "No follow-up needed unless symptoms return.",
    "Please consider imaging if night pain develops.",
    "Please review medication at the next visit.",
    "Surgical consult suggested if function declines.",
]
COMPLAINT_MIX = {"back": 38, "neck": 20, "arm": 17, "leg": 20, "other": 5}
SPECIALTY_COMPLAINTS = {
    S.PODIATRY: {"leg": 1},
    S.DENTISTRY: {"other": 8, "neck": 2},
    S.NEUROSURGERY: {"back": 6, "neck": 4},
    S.OBGYN: {"back": 8, "leg": 2},
    S.SPORTS_MEDICINE: {"leg": 45, "arm": 30, "back": 15, "neck": 10},
    S.ORTHOPEDIC_SURGERY: {"back": 25, "neck": 10, "arm": 30, "leg": 35},
    S.ATHLETIC_TRAINING: {"leg": 55, "arm": 30, "back": 15},
    S.ATTORNEY: {"neck": 55, "back": 45},
}

# Baseline score (mean, sd, lowest, highest) per instrument, in the instrument's units.
BASELINES = {
    "ODI": (40, 12, 14, 80),
    "NDI": (34, 10, 12, 70),
    "NPRS": (6.2, 1.5, 3, 10),
    "PSFS": (3.6, 1.3, 0.4, 7),
    "LEFS": (38, 11, 12, 62),
    "QuickDASH": (42, 14, 14, 82),
}

# Course of an episode: (name, share, improvement range in MCIDs, discharge reason)
COURSES = [
    ("goals_met", 50, (1.1, 3.0), "goals_met"),
    ("plateau", 10, (0.2, 0.9), "plateau"),
    ("self_discharged", 16, (-0.3, 1.0), "self_discharged"),
    ("referred_out", 4, (-1.0, 0.5), "referred_out"),
    ("surgery", 4, (-0.8, 0.4), "surgery"),
    ("other", 3, (0.0, 2.0), "other"),
    # Not responding: keeps coming without getting better, or gets worse.
    ("stalled", 8, (-0.4, 0.7), "plateau"),
    ("worsening", 5, (-2.6, -1.4), "referred_out"),
]

# Why we are not the right fit, where we suggest instead, and the fitting specialty.
NOT_APPROPRIATE = [
    (
        "Cauda equina warning signs need an emergency assessment.",
        "The emergency department, the same day.",
        S.EMERGENCY_URGENT_CARE,
    ),
    (
        "A fracture is suspected on exam.",
        "Imaging first, then back to the referring office.",
        S.RADIOLOGY,
    ),
    ("Progressive weakness in the leg.", "A neurosurgical consult.", S.NEUROSURGERY),
    (
        "An inflammatory pattern: morning stiffness over an hour.",
        "A rheumatology work-up.",
        S.RHEUMATOLOGY,
    ),
    (
        "Under two weeks after surgery.",
        "The surgeon's post-operative protocol, continued.",
        S.ORTHOPEDIC_SURGERY,
    ),
    (
        "Pelvic floor dysfunction is outside our care.",
        "A pelvic health physical therapist.",
        S.PHYSICAL_THERAPY,
    ),
    (
        "Pediatric scoliosis is outside our care.",
        "A pediatric orthopedist.",
        S.ORTHOPEDIC_SURGERY,
    ),
    (
        "Chronic widespread pain with low mood.",
        "Behavioral health together with primary care.",
        S.BEHAVIORAL_HEALTH,
    ),
    (
        "Night pain with weight loss needs a medical work-up first.",
        "Back to primary care.",
        S.PRIMARY_CARE,
    ),
]
OTHER_DECLINES = [
    ("patient_declined", 30),
    ("insurance", 30),
    ("could_not_contact", 30),
    ("other", 10),
]
PRODUCTS = [
    ("Cervical pillow", 5900),
    ("TENS unit", 8900),
    ("Lumbar support", 4500),
    ("Foam roller", 3500),
    ("Wellness massage", 9500),
    ("Custom orthotics", 18000),
]

# Report habits: (share sent late, share never sent) per kind, before the site's own habit.
REPORT_HABITS = {
    "initial": (0.14, 0.02),
    "progress": (0.22, 0.05),
    "discharge": (0.25, 0.04),
    "redirect": (0.15, 0.06),
    "alert": (0.25, 0.10),
}
RECENT_BACKLOG_DAYS = 60
