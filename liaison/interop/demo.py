"""The demo practice: a deterministic, realistic history that `liaison seed_demo` writes.

Everything is drawn from `random.Random` streams derived from the seed, and every date is
reckoned from the as-of date `today`, so one seed and one `today` give the same records
(UUID codes and practice ids included) on every run and on both databases.

Rows are generated patient by patient and written per chunk of patients with executemany
(SQLite) or COPY (PostgreSQL), so memory stays flat whatever the scale. The whole seed is
one transaction: it lands whole or not at all.
"""

import bisect
import datetime as dt
import itertools
import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from liaison.accounts.models import Location, Role, User
from liaison.accounts.roles import sync_roles
from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import (
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Payment,
    Referral,
    Visit,
)
from liaison.care.services import clinicians_link_by_name
from liaison.core.dates import add_business_days
from liaison.core.npi import npi_check_digit
from liaison.correspondence.models import Report
from liaison.insights import facts
from liaison.partners.models import Partner, Specialty, Touchpoint
from liaison.partners.services import specialties_sync
from liaison.partners.specialties import TAXONOMY_SPECIALTY, SpecialtySlug

S = SpecialtySlug

# One password for every demo user, so `make run` can print how to log in.
DEMO_PASSWORD = "liaison-demo-2026"
DEMO_USERNAMES = ("manager", "frontdesk", "clinician", "liaison")


@dataclass(frozen=True)
class Scale:
    locations: int
    years: int
    partners: int
    patients: int


SCALES: dict[str, Scale] = {
    # `tiny` is for the test suite's determinism check, which seeds three times.
    "tiny": Scale(locations=1, years=2, partners=60, patients=500),
    "small": Scale(locations=1, years=2, partners=150, patients=2_000),
    "medium": Scale(locations=3, years=5, partners=1_000, patients=30_000),
    "large": Scale(locations=20, years=10, partners=8_000, patients=300_000),
}
PUBLIC_SCALES = ("small", "medium", "large")
CHUNK_PATIENTS = 5_000

# ---------------------------------------------------------------------------------------
# Geography: real Colorado Front Range ZIP codes (USPS standard, active) with the centroid
# and postal city, so ZIP-centroid maps and distance figures work on the demo data.
# ---------------------------------------------------------------------------------------

ZIP_TABLE = """
80002 39.7945 -105.0984 Arvada|80003 39.8286 -105.0655 Arvada|80004 39.8141 -105.1177 Arvada
80005 39.8422 -105.1097 Arvada|80007 39.8634 -105.1724 Arvada|80010 39.7398 -104.8562 Aurora
80011 39.7378 -104.8152 Aurora|80012 39.7038 -104.8379 Aurora|80013 39.6604 -104.7632 Aurora
80014 39.6577 -104.8450 Aurora|80015 39.6199 -104.7763 Aurora|80016 39.6022 -104.7139 Aurora
80017 39.6981 -104.7818 Aurora|80018 39.6893 -104.6787 Aurora|80019 39.7656 -104.7069 Aurora
80020 39.9245 -105.0609 Broomfield|80021 39.8854 -105.1139 Broomfield
80022 39.8259 -104.9113 Commerce City|80023 39.9619 -105.0148 Broomfield
80026 39.998 -105.0963 Lafayette|80027 39.9789 -105.1456 Louisville
80030 39.8302 -105.037 Westminster|80031 39.8753 -105.0345 Westminster
80033 39.774 -105.0962 Wheat Ridge|80045 39.7467 -104.8384 Aurora
80102 39.7589 -104.4275 Bennett|80103 39.6985 -104.2019 Byers
80104 39.3722 -104.8561 Castle Rock|80105 39.5931 -104.068 Deer Trail
80106 39.0969 -104.5746 Elbert|80108 39.4455 -104.853 Castle Rock
80109 39.3643 -104.9014 Castle Rock|80110 39.6463 -105.0092 Englewood
80111 39.6123 -104.8799 Englewood|80112 39.5805 -104.9011 Englewood
80113 39.6405 -104.9614 Englewood|80116 39.3728 -104.7256 Franktown
80118 39.2011 -104.8546 Larkspur|80120 39.5994 -105.0044 Littleton
80121 39.6111 -104.9532 Littleton|80122 39.5814 -104.9557 Littleton
80123 39.6206 -105.0901 Littleton|80124 39.5517 -104.8863 Lone Tree
80125 39.4845 -105.0561 Littleton|80126 39.5437 -104.9691 Littleton
80127 39.592 -105.1328 Littleton|80128 39.5918 -105.0832 Littleton
80129 39.5397 -105.0109 Littleton|80130 39.5414 -104.9218 Littleton
80132 39.1007 -104.8542 Monument|80133 39.1205 -104.9148 Palmer Lake
80134 39.4895 -104.8447 Parker|80135 39.3113 -105.0676 Sedalia|80136 39.7814 -104.2683 Strasburg
80137 39.7623 -104.5834 Watkins|80138 39.5102 -104.7216 Parker|80202 39.7491 -104.9946 Denver
80203 39.7313 -104.9811 Denver|80204 39.734 -105.0259 Denver|80205 39.759 -104.9661 Denver
80206 39.7331 -104.9524 Denver|80207 39.7584 -104.9177 Denver|80209 39.7074 -104.9686 Denver
80210 39.679 -104.9631 Denver|80211 39.7665 -105.0204 Denver|80212 39.7683 -105.0493 Denver
80214 39.7436 -105.0643 Denver|80215 39.7435 -105.1009 Denver|80216 39.7835 -104.9669 Denver
80218 39.7327 -104.9717 Denver|80219 39.6956 -105.0341 Denver|80220 39.7312 -104.9129 Denver
80221 39.838 -104.9988 Denver|80222 39.671 -104.9279 Denver|80223 39.7002 -105.0028 Denver
80224 39.688 -104.9108 Denver|80226 39.7123 -105.0918 Denver|80227 39.6667 -105.0854 Denver
80228 39.6888 -105.156 Denver|80229 39.8671 -104.9227 Denver|80230 39.7218 -104.8951 Denver
80231 39.6793 -104.8843 Denver|80232 39.6895 -105.0908 Denver|80233 39.9015 -104.9407 Denver
80234 39.9108 -105.0109 Denver|80235 39.6472 -105.0795 Denver|80236 39.6535 -105.0376 Denver
80237 39.6431 -104.8987 Denver|80238 39.7392 -104.9847 Denver|80239 39.7878 -104.8288 Denver
80241 39.868 -104.9719 Thornton|80246 39.7086 -104.9312 Denver|80247 39.6971 -104.8819 Denver
80249 39.7783 -104.7557 Denver|80260 39.8672 -105.0041 Denver|80264 39.7426 -104.9863 Denver
80265 39.7392 -104.9847 Denver|80266 39.7472 -104.9915 Denver|80290 39.7436 -104.9876 Denver
80293 39.7458 -104.9907 Denver|80294 39.7491 -104.989 Denver|80299 39.7392 -104.9847 Denver
80301 40.0497 -105.2143 Boulder|80302 40.0172 -105.2851 Boulder|80303 39.9914 -105.2392 Boulder
80304 40.0375 -105.2771 Boulder|80305 39.9807 -105.2531 Boulder|80401 39.7305 -105.1915 Golden
80403 39.8232 -105.2825 Golden|80433 39.5197 -105.3169 Conifer|80439 39.6374 -105.3402 Evergreen
80455 40.1155 -105.3886 Jamestown|80465 39.6125 -105.1746 Morrison
80466 39.9703 -105.4813 Nederland|80470 39.4401 -105.3577 Pine|80481 40.0726 -105.508 Ward
80501 40.1779 -105.1009 Longmont|80503 40.1559 -105.1624 Longmont
80504 40.1306 -104.9504 Longmont|80510 40.2268 -105.5201 Allenspark
80512 40.6265 -105.261 Bellvue|80513 40.2993 -105.1055 Berthoud|80514 40.0836 -104.9297 Dacono
80515 40.4275 -105.3831 Drake|80516 40.0597 -105.0686 Erie|80517 40.3658 -105.5142 Estes Park
80521 40.5813 -105.1039 Fort Collins|80524 40.5986 -105.0581 Fort Collins
80525 40.5384 -105.0547 Fort Collins|80526 40.5473 -105.1076 Fort Collins
80528 40.4961 -105.0002 Fort Collins|80530 40.0978 -104.9293 Frederick
80534 40.3355 -104.9236 Johnstown|80535 40.6347 -105.1488 Laporte
80536 40.8701 -105.3766 Livermore|80537 40.3849 -105.0916 Loveland
80538 40.4262 -105.09 Loveland|80540 40.2357 -105.3231 Lyons|80542 40.2347 -104.9994 Mead
80543 40.3294 -104.8552 Milliken|80545 40.8659 -105.6893 Red Feather Lakes
80547 40.5291 -104.9853 Timnath|80549 40.7255 -105.0318 Wellington
80550 40.4837 -104.8994 Windsor|80601 39.943 -104.7866 Brighton|80602 39.9636 -104.9072 Brighton
80603 39.9515 -104.7746 Brighton|80610 40.5938 -104.7356 Ault|80611 40.6392 -104.2871 Briggsdale
80612 40.8666 -104.8859 Carr|80615 40.5273 -104.7146 Eaton|80620 40.3803 -104.6971 Evans
80621 40.108 -104.8013 Fort Lupton|80622 40.5378 -104.4585 Galeton|80624 40.4696 -104.5 Gill
80631 40.385 -104.6806 Greeley|80634 40.4109 -104.7541 Greeley|80640 39.8983 -104.8718 Henderson
80642 40.0606 -104.6532 Hudson|80643 40.0958 -104.4464 Keenesburg|80644 40.3963 -104.5288 Kersey
80645 40.3211 -104.7268 La Salle|80648 40.7265 -104.785 Nunn|80650 40.6359 -104.7638 Pierce
80651 40.2131 -104.8028 Platteville|80652 40.0878 -104.282 Roggen|80729 40.8716 -104.2346 Grover
80742 40.6851 -103.839 New Raymer|80754 40.687 -103.6387 Stoneham|80808 38.9648 -104.3553 Calhan
80809 38.8967 -104.9722 Cascade|80817 38.6996 -104.7005 Fountain
80829 38.855 -104.9058 Manitou Springs|80831 38.9541 -104.5472 Peyton
80832 39.0736 -104.1247 Ramah|80833 38.7642 -104.0241 Rush|80840 38.9917 -104.8543 USAF Academy
80864 38.7753 -104.2184 Yoder|80902 38.7536 -104.8063 Colorado Springs
80903 38.8388 -104.8145 Colorado Springs|80904 38.8533 -104.8595 Colorado Springs
80905 38.8377 -104.837 Colorado Springs|80906 38.7902 -104.8199 Colorado Springs
80907 38.876 -104.817 Colorado Springs|80908 39.0237 -104.6933 Colorado Springs
80909 38.852 -104.7735 Colorado Springs|80910 38.8152 -104.7703 Colorado Springs
80911 38.7457 -104.7223 Colorado Springs|80912 38.8339 -104.8214 Colorado Springs
80913 38.73 -104.7536 Colorado Springs|80915 38.8558 -104.7134 Colorado Springs
80916 38.8076 -104.7403 Colorado Springs|80917 38.886 -104.7399 Colorado Springs
80918 38.9129 -104.7734 Colorado Springs|80919 38.9268 -104.8464 Colorado Springs
80920 38.9497 -104.767 Colorado Springs|80921 39.0487 -104.814 Colorado Springs
80922 38.905 -104.6982 Colorado Springs|80923 38.9189 -104.7045 Colorado Springs
80924 38.9676 -104.7211 Colorado Springs|80925 38.7378 -104.6459 Colorado Springs
80926 38.6981 -104.8505 Colorado Springs|80927 38.9286 -104.6583 Colorado Springs
80928 38.6233 -104.457 Colorado Springs|80929 38.7968 -104.6079 Colorado Springs
80930 38.8289 -104.5269 Colorado Springs|80938 38.9047 -104.6634 Colorado Springs
80939 38.8776 -104.6774 Colorado Springs|80951 38.8881 -104.6556 Colorado Springs
81001 38.2879 -104.5848 Pueblo|81003 38.2843 -104.6234 Pueblo|81004 38.2441 -104.6278 Pueblo
81005 38.2352 -104.66 Pueblo|81006 38.2447 -104.5318 Pueblo|81007 38.387 -104.7792 Pueblo
81008 38.3133 -104.6284 Pueblo|81022 38.1025 -104.5298 Avondale|81023 38.0837 -104.9724 Beulah
81025 38.2646 -104.2585 Boone|81069 37.9236 -104.9303 Rye
"""


@dataclass(frozen=True)
class Zip:
    code: str
    lat: float
    lon: float
    city: str


ZIPS: dict[str, Zip] = {
    z.code: z
    for z in (
        Zip(code, float(lat), float(lon), city)
        for entry in ZIP_TABLE.replace("\n", "|").split("|")
        if entry.strip()
        for code, lat, lon, city in [entry.split(" ", 3)]
    )
}

# The practice's clinics, in opening order: a scale uses the first N.
SITES = [
    ("Cherry Creek", "80206", "310 Clayton St", "303"),
    ("Lakewood", "80226", "7400 W Alameda Ave", "303"),
    ("Aurora", "80012", "1450 S Havana St", "720"),
    ("Highlands", "80211", "3300 W 32nd Ave", "303"),
    ("Boulder", "80301", "2800 Pearl St", "303"),
    ("Westminster", "80031", "9200 Sheridan Blvd", "303"),
    ("Littleton", "80120", "5800 S Broadway", "303"),
    ("Centennial", "80112", "9350 E Arapahoe Rd", "720"),
    ("Arvada", "80002", "5600 Wadsworth Blvd", "303"),
    ("Thornton", "80229", "9000 Washington St", "303"),
    ("Broomfield", "80020", "1 Descombes Dr", "303"),
    ("Longmont", "80501", "600 Main St", "303"),
    ("Fort Collins", "80525", "1500 E Harmony Rd", "970"),
    ("Loveland", "80538", "2900 N Lincoln Ave", "970"),
    ("Greeley", "80634", "2400 W 10th St", "970"),
    ("Colorado Springs Downtown", "80903", "120 N Tejon St", "719"),
    ("Colorado Springs North", "80920", "9600 N Union Blvd", "719"),
    ("Castle Rock", "80104", "400 Perry St", "303"),
    ("Parker", "80134", "11000 S Parker Rd", "303"),
    ("Pueblo", "81003", "300 W 4th St", "719"),
]

STREETS = [
    "E Colfax Ave",
    "S Colorado Blvd",
    "S University Blvd",
    "W Alameda Ave",
    "Wadsworth Blvd",
    "E Hampden Ave",
    "Speer Blvd",
    "E 17th Ave",
    "Federal Blvd",
    "S Broadway",
    "Kipling St",
    "W 38th Ave",
    "E Arapahoe Rd",
    "County Line Rd",
    "E Evans Ave",
    "S Parker Rd",
    "N Academy Blvd",
    "N Nevada Ave",
    "S College Ave",
    "E Harmony Rd",
    "Baseline Rd",
    "Main St",
    "W 120th Ave",
    "E Iliff Ave",
    "S Havana St",
    "Sheridan Blvd",
    "W Bowles Ave",
    "E Mississippi Ave",
    "W 44th Ave",
    "Lincoln Ave",
    "28th St",
    "Canyon Blvd",
    "N Union Blvd",
    "Powers Blvd",
    "W 10th St",
    "S Santa Fe Dr",
    "E Belleview Ave",
    "Pecos St",
    "W Mineral Ave",
    "Quebec St",
]

FEMALE_NAMES = [
    "Mary",
    "Jennifer",
    "Linda",
    "Patricia",
    "Elizabeth",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Sandra",
    "Ashley",
    "Emily",
    "Michelle",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Laura",
    "Rebecca",
    "Sharon",
    "Cynthia",
    "Kathleen",
    "Amy",
    "Angela",
    "Anna",
    "Brenda",
    "Emma",
    "Olivia",
    "Sophia",
    "Isabella",
    "Maria",
    "Rosa",
    "Lucia",
    "Camila",
    "Ana",
    "Mei",
    "Priya",
    "Aisha",
    "Fatima",
    "Grace",
    "Hannah",
    "Natalie",
    "Megan",
    "Rachel",
    "Lauren",
    "Andrea",
    "Julia",
    "Chloe",
    "Abigail",
    "Diana",
    "Teresa",
    "Gloria",
    "Janet",
    "Carol",
    "Ruth",
    "Nicole",
    "Kimberly",
    "Heather",
]
MALE_NAMES = [
    "James",
    "Robert",
    "John",
    "Michael",
    "David",
    "William",
    "Richard",
    "Joseph",
    "Thomas",
    "Christopher",
    "Charles",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Donald",
    "Steven",
    "Paul",
    "Andrew",
    "Joshua",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ronald",
    "Jason",
    "Edward",
    "Jeffrey",
    "Ryan",
    "Jacob",
    "Gary",
    "Nicholas",
    "Eric",
    "Jonathan",
    "Luis",
    "Carlos",
    "Jose",
    "Miguel",
    "Diego",
    "Wei",
    "Hiroshi",
    "Raj",
    "Omar",
    "Ahmed",
    "Samuel",
    "Benjamin",
    "Ethan",
    "Noah",
    "Liam",
    "Lucas",
    "Tyler",
    "Aaron",
    "Adam",
    "Nathan",
    "Zachary",
    "Kyle",
    "Sean",
    "Derek",
    "Travis",
    "Marcus",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chavez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Alvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jimenez",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Bell",
    "Coleman",
    "Butler",
    "Henderson",
    "Barnes",
    "Gonzales",
    "Fisher",
    "Vasquez",
    "Simmons",
    "Romero",
    "Jordan",
    "Patterson",
    "Alexander",
    "Hamilton",
    "Graham",
    "Reynolds",
    "Griffin",
    "Wallace",
    "Moreno",
    "West",
    "Cole",
    "Hayes",
    "Bryant",
    "Herrera",
    "Gibson",
    "Ellis",
    "Tran",
    "Medina",
    "Aguilar",
    "Stevens",
    "Murray",
    "Ford",
    "Castro",
    "Marshall",
    "Owens",
    "Harrison",
    "Fernandez",
    "McDonald",
    "Woods",
    "Washington",
    "Kennedy",
    "Wells",
    "Vargas",
    "Henry",
    "Chen",
    "Freeman",
    "Webb",
    "Tucker",
    "Guzman",
    "Burns",
    "Crawford",
    "Olson",
    "Simpson",
    "Porter",
    "Hunter",
    "Gordon",
    "Mendez",
    "Silva",
    "Shaw",
    "Snyder",
    "Mason",
    "Dixon",
    "Munoz",
    "Hunt",
    "Hicks",
    "Holmes",
    "Palmer",
    "Wagner",
    "Black",
    "Robertson",
    "Boyd",
    "Rose",
    "Stone",
    "Salazar",
    "Fox",
    "Warren",
    "Mills",
    "Meyer",
    "Rice",
    "Schmidt",
    "Garza",
    "Daniels",
    "Ferguson",
    "Nichols",
    "Stephens",
    "Soto",
    "Weaver",
    "Ryan",
    "Gardner",
    "Payne",
    "Grant",
    "Dunn",
    "Kelley",
    "Spencer",
    "Hawkins",
    "Arnold",
    "Pierce",
    "Vazquez",
    "Hansen",
    "Peters",
    "Santos",
    "Hart",
    "Bradley",
    "Knight",
    "Elliott",
    "Cunningham",
    "Duncan",
    "Armstrong",
    "Hudson",
    "Carroll",
    "Lane",
    "Riley",
    "Andrews",
    "Alvarado",
    "Ray",
    "Delgado",
    "Berry",
    "Perkins",
    "Hoffman",
    "Johnston",
    "Matthews",
    "Pena",
    "Richards",
    "Contreras",
    "Willis",
    "Carpenter",
    "Lawrence",
    "Sandoval",
    "Okafor",
    "Nakamura",
    "Yamamoto",
    "Shah",
    "Singh",
    "Kowalski",
    "Novak",
    "Larsen",
    "Lindqvist",
    "O'Brien",
    "O'Connor",
    "Haddad",
    "Abboud",
    "Begay",
    "Yazzie",
]

# Demo staff. The four logins come first; more clinicians fill the larger practices.
DEMO_STAFF = [
    ("manager", Role.MANAGER, "Dana", "Whitfield", ""),
    ("frontdesk", Role.FRONT_DESK, "Rosa", "Delgado", ""),
    ("clinician", Role.CLINICIAN, "Maya", "Okafor", "DPT"),
    ("liaison", Role.LIAISON, "Jordan", "Ellis", ""),
]
CLINICIANS_PER_SITE = 3

# ---------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------

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
PLACE_WORDS = [
    "Cherry Creek",
    "Front Range",
    "Mile High",
    "Rocky Mountain",
    "Platte River",
    "Summit",
    "Aspen",
    "Blue Spruce",
    "Columbine",
    "Pikes Peak",
    "Cheyenne Mountain",
    "Clear Creek",
    "Bear Creek",
    "Red Rocks",
    "Flatirons",
    "Longs Peak",
    "Poudre Valley",
    "Highline",
    "Washington Park",
    "Lowry",
    "Centennial",
    "Foothills",
    "Timberline",
    "Evergreen",
    "Arapahoe",
    "Sand Creek",
    "Cottonwood",
    "Meadowlark",
    "Lookout Mountain",
    "Golden Gate",
    "Castlewood",
    "Bluebell",
    "Prairie View",
    "Horsetooth",
    "Carson",
    "Palmer",
    "Monarch",
    "Kestrel",
    "Juniper",
    "Silver Plume",
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

# ---------------------------------------------------------------------------------------
# Patients and care
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def _stream(seed: int, name: str) -> random.Random:
    # A named stream per concern, so a change in how visits are drawn does not reshuffle
    # partner names; string seeds are hashed by SHA-512, the same on every run.
    return random.Random(f"liaison-demo:{seed}:{name}")


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, items: list, cumulative: list[float]):
    index = bisect.bisect(cumulative, rng.random() * cumulative[-1])
    return items[min(index, len(items) - 1)]


def _weighted(rng: random.Random, pairs) -> str:
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _date(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


def _weekday(ordinal: int) -> int:
    return (ordinal - 1) % 7  # dt.date.fromordinal(1) is a Monday


def _next_weekday(ordinal: int) -> int:
    while _weekday(ordinal) >= 5:
        ordinal += 1
    return ordinal


def _business_days_after(ordinal: int, count: int) -> int:
    return add_business_days(dt.date.fromordinal(ordinal), count).toordinal()


def _cents(amount_cents: int) -> Decimal:
    return Decimal(amount_cents).scaleb(-2)


def _miles(a: Zip, b: Zip) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 3958.8 * 2 * math.asin(math.sqrt(h))


def _phone(rng: random.Random, area_code: str) -> str:
    # 555-0100 to 555-0199 are reserved for fiction: no real office gets called.
    return f"({area_code}) 555-{rng.randint(100, 199):04d}"


def _npi(rng: random.Random, taken: set[str]) -> str:
    while True:
        first9 = "1" + "".join(rng.choice("0123456789") for _ in range(8))
        npi = first9 + str(npi_check_digit(first9))
        if npi not in taken:
            taken.add(npi)
            return npi


# ---------------------------------------------------------------------------------------
# Writing rows
# ---------------------------------------------------------------------------------------


class _Table:
    """Rows of one model waiting to be written; allocates ids, UUID codes and practice ids.

    Columns the generator does not name get the field's default, so that a new optional
    field on a model does not break the seed; `optional` fields are filled from a row's
    `extra` values when the model has them.
    """

    def __init__(
        self,
        model,
        fields: list[str],
        prefix: str,
        width: int,
        seed: int,
        now,
        optional: tuple[str, ...] = (),
    ):
        self.model = model
        self.prefix, self.width = prefix, width
        self.codes = _stream(seed, f"codes:{model._meta.db_table}")
        self.now = now
        self.rows: list[tuple] = []
        self.count = 0
        self.first_id = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        named = ["id", "code", "external_id", "created_at", "updated_at", *fields]
        fields_by_name = {f.name: f for f in model._meta.concrete_fields}
        self.optional = [fields_by_name[n] for n in optional if n in fields_by_name]
        rest = [
            f for f in fields_by_name.values() if f.name not in named and f not in self.optional
        ]
        self.columns = [fields_by_name[n].column for n in named]
        self.columns += [f.column for f in (*self.optional, *rest)]
        self.optional_defaults = [(f.name, _db_default(f)) for f in self.optional]
        self.defaults = tuple(_db_default(f) for f in rest)

    def add(self, *values, extra: dict | None = None) -> int:
        row_id = self.first_id + self.count
        self.count += 1
        # A version-4 UUID from the seeded stream: uuid.UUID(int=..., version=4).hex.
        bits = self.codes.getrandbits(128)
        bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
        external_id = f"{self.prefix}{self.count:0{self.width}d}"
        if self.optional_defaults:
            extra = extra or {}
            values += tuple(extra.get(name, default) for name, default in self.optional_defaults)
        self.rows.append(
            (row_id, f"{bits:032x}", external_id, self.now, self.now, *values, *self.defaults)
        )
        return row_id

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", self.rows)
        self.rows.clear()


def _db_default(model_field) -> object:
    value = model_field.get_default()
    return None if value is None else model_field.get_db_prep_save(value, connection)


TABLES = {
    # name: (model, fields after the Record columns, practice id prefix, digits)
    "partners": (
        Partner,
        [
            "kind",
            "npi",
            "first_name",
            "last_name",
            "organization_name",
            "credentials",
            "taxonomy_code",
            "specialty",
            "works_at",
            "introduced_by",
            "address",
            "city",
            "state",
            "zip",
            "phone",
            "fax",
            "email",
            "preferred_channel",
            "stage",
            "owner",
            "notes",
        ],
        "P",
        6,
    ),
    "touchpoints": (
        Touchpoint,
        ["partner", "occurred_on", "kind", "notes", "staff", "cost"],
        "TP",
        7,
    ),
    "patients": (
        Patient,
        [
            "location",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "zip",
            "channel",
            "source_partner",
            "created_on",
        ],
        "PT",
        6,
    ),
    "referrals": (
        Referral,
        [
            "patient",
            "partner",
            "location",
            "received_on",
            "reason",
            "icd10_codes",
            "urgency",
            "decision",
            "decided_on",
            "decline_reason",
            "decline_note",
            "alternative",
            "alternative_partner",
        ],
        "R",
        7,
    ),
    "episodes": (
        Episode,
        [
            "patient",
            "referral",
            "location",
            "clinician_name",
            "started_on",
            "planned_visits",
            "planned_weeks",
            "primary_measure",
            "ended_on",
            "discharge_reason",
            "payer",
        ],
        "E",
        7,
    ),
    "visits": (Visit, ["episode", "visit_on", "status"], "V", 8),
    "outcomes": (Outcome, ["episode", "measured_on", "instrument", "score", "items"], "O", 8),
    "payments": (Payment, ["patient", "episode", "paid_on", "amount"], "PAY", 8),
    "reports": (Report, ["referral", "episode", "kind", "due_on", "sent_on", "channel"], "RP", 7),
    "marketing_spend": (
        MarketingSpend,
        [
            "channel",
            "spent_on",
            "amount",
            "location",
            "description",
        ],
        "MS",
        5,
    ),
}
# What a clinician records about an episode, written when the model has the fields.
OPTIONAL = {
    "episodes": (
        "diagnosis_code",
        "diagnosis",
        "visits_per_week",
        "interventions",
        "expected_improvement_weeks",
        "surgical_options_discussed",
        "surgical_discussion",
        "recommendations",
        "referrer_follow_up",
    ),
}
CARE_TABLES = ["patients", "referrals", "episodes", "visits", "outcomes", "payments", "reports"]


# ---------------------------------------------------------------------------------------
# The world: locations, staff, partners
# ---------------------------------------------------------------------------------------


@dataclass
class _Site:
    location_id: int
    zip: Zip
    area_code: str
    weight: float
    clinicians: list[str]
    clinician_cum: list[float]
    patient_zips: list[str]
    patient_zip_cum: list[float]
    partner_zips: list[str]
    partner_zip_cum: list[float]
    median_wait: float
    self_pay_cents: int
    late_factor: float


@dataclass
class _Partner:
    id: int
    kind: str
    specialty: str
    site: int
    weight: float
    preferred_channel: str
    archetype: str = "prospect"
    stage: str = "prospect"
    first_on: int | None = None
    last_on: int | None = None
    inappropriate: float = 0.03
    org_kind: str = ""
    established: bool = False  # was referring before the history begins


@dataclass
class _World:
    seed: int
    scale: Scale
    today: int
    start: int
    rng: random.Random
    payers: random.Random
    tables: dict[str, _Table]
    sites: list[_Site] = field(default_factory=list)
    site_cum: list[float] = field(default_factory=list)
    partners: list[_Partner] = field(default_factory=list)
    referrers: list[_Partner] = field(default_factory=list)
    referrer_ids: list[int] = field(default_factory=list)
    by_specialty: dict[tuple[int, str], list[_Partner]] = field(default_factory=dict)
    staff_names: dict[str, str] = field(default_factory=dict)
    owner_ids: list[int] = field(default_factory=list)


def _nearby(center: Zip, radius: float, scale_miles: float) -> tuple[list[str], list[float]]:
    """ZIPs within `radius` miles, weighted to fall off with distance."""
    codes, weights = [], []
    for z in ZIPS.values():
        miles = _miles(center, z)
        if miles <= radius:
            codes.append(z.code)
            weights.append(math.exp(-miles / scale_miles))
    return codes, _cumulative(weights)


def _create_sites(world: _World) -> None:
    rng = _stream(world.seed, "sites")
    for index, (name, zip_code, address, area_code) in enumerate(SITES[: world.scale.locations]):
        z = ZIPS[zip_code]
        location = Location(
            name=name,
            address=address,
            city=z.city,
            state="CO",
            zip=zip_code,
            phone=_phone(rng, area_code),
            fax=_phone(rng, area_code),
            external_id=f"L{index + 1:02d}",
        )
        location.code = _uuid(rng)
        location.save()
        patient_zips, patient_cum = _nearby(z, 25, 6)
        partner_zips, partner_cum = _nearby(z, 15, 4)
        world.sites.append(
            _Site(
                location_id=location.id,
                zip=z,
                area_code=area_code,
                weight=1.4 if index == 0 else rng.uniform(0.6, 1.2),
                clinicians=[],
                clinician_cum=[],
                patient_zips=patient_zips,
                patient_zip_cum=patient_cum,
                partner_zips=partner_zips,
                partner_zip_cum=partner_cum,
                median_wait=rng.uniform(3, 8),
                self_pay_cents=rng.choice([9500, 10500, 11500, 12500]),
                late_factor=rng.uniform(0.6, 1.5),
            )
        )
    world.site_cum = _cumulative(s.weight for s in world.sites)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _create_staff(world: _World) -> None:
    """The four demo logins plus enough clinicians for every site, all with DEMO_PASSWORD."""
    sync_roles()
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    all_locations = [s.location_id for s in world.sites]
    first_site = all_locations[:1]
    for username, role, first, last, credentials in DEMO_STAFF:
        user = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            credentials=credentials,
            email=f"{username}@frontrange-demo.example",
            password=password,
            is_staff=role == Role.MANAGER,
        )
        user.groups.add(groups[role])
        user.locations.set(
            first_site if role in (Role.FRONT_DESK, Role.CLINICIAN) else all_locations
        )
        world.staff_names[role] = f"{first} {last}"
        if role in (Role.MANAGER, Role.LIAISON):
            world.owner_ids.append(user.id)
    _create_clinicians(world, groups[Role.CLINICIAN], password)


def _create_clinicians(world: _World, group: Group, password: str) -> None:
    rng = _stream(world.seed, "clinicians")
    taken = {"maya.okafor"}
    for index, site in enumerate(world.sites):
        names = ["Maya Okafor"] if index == 0 else []
        while len(names) < CLINICIANS_PER_SITE:
            female = rng.random() < 0.55
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            last = rng.choice(LAST_NAMES)
            username = f"{first}.{last}".lower().replace("'", "")
            if username in taken:
                continue
            taken.add(username)
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                credentials=rng.choice(["DPT", "DPT", "DC", "PT"]),
                password=password,
                email=f"{username}@frontrange-demo.example",
            )
            user.groups.add(group)
            user.locations.set([site.location_id])
            names.append(f"{first} {last}")
        site.clinicians = names
        # The demo clinician login carries the biggest caseload of the first site.
        site.clinician_cum = _cumulative(
            [1.6 if index == 0 and i == 0 else 1.0 for i in range(len(names))]
        )


def _mark_wanted_specialties(world: _World) -> None:
    specialties_sync()
    n = world.scale.locations
    targets = {
        S.PRIMARY_CARE: 4,
        S.ORTHOPEDIC_SURGERY: 2,
        S.SPORTS_MEDICINE: 2,
        S.PAIN_MANAGEMENT: 1,
        S.PODIATRY: 1,
        S.NEUROSURGERY: 1,
        S.CHIROPRACTIC: 1,
        S.OCCUPATIONAL_MEDICINE: 1,
    }
    for slug, per_site in targets.items():
        Specialty.objects.filter(slug=slug).update(wanted=True, target_active_partners=per_site * n)


def _plan_partners(world: _World) -> None:
    """Decide every partner's kind, specialty, site, volume and trend story."""
    rng = _stream(world.seed, "partner-plan")
    n = world.scale.partners
    org_count = round(n * 0.15)
    kinds = [("organization", k) for k in _org_kinds(rng, org_count)]
    kinds += [("person", None)] * (n - org_count)
    first_id = world.tables["partners"].first_id
    for index, (kind, org) in enumerate(kinds):
        if org:
            org_kind, specialty, volume = org
        else:
            org_kind, specialty, volume = "", *_person_specialty(rng)
        world.partners.append(
            _Partner(
                id=first_id + index,
                kind=kind,
                specialty=specialty,
                org_kind=org_kind,
                site=world.sites.index(_pick(rng, world.sites, world.site_cum)),
                weight=volume,
                preferred_channel=rng.choice(PREFERRED_CHANNELS),
            )
        )
    _assign_stories(world, rng)


def _org_kinds(rng: random.Random, count: int) -> list[tuple[str, str, float]]:
    cum = _cumulative(k[2] for k in ORGANIZATION_KINDS)
    return [(k[0], k[1], k[3]) for k in (_pick(rng, ORGANIZATION_KINDS, cum) for _ in range(count))]


_PERSON_CUM = _cumulative(s[1] for s in PERSON_SPECIALTIES)


def _person_specialty(rng: random.Random) -> tuple[str, float]:
    slug, _, volume = _pick(rng, PERSON_SPECIALTIES, _PERSON_CUM)
    return slug, volume


def _assign_stories(world: _World, rng: random.Random) -> None:
    """Zipf volumes (a few partners send most), then a trend story for each referrer."""
    order = list(world.partners)
    rng.shuffle(order)
    prospects = round(len(order) * PROSPECT_SHARE)
    for partner in order[:prospects]:
        partner.weight = 0.0
        partner.stage = rng.choice(PROSPECT_STAGES)
    referrers = order[prospects:]
    for rank, partner in enumerate(referrers):
        partner.weight *= (rank + 3) ** -0.9
    referrers.sort(key=lambda p: -p.weight)
    stories = _story_deck(rng, len(referrers))
    for rank, partner in enumerate(referrers):
        partner.archetype = TOP_ARCHETYPES.get(rank) or stories[rank]
        _set_window(world, rng, partner)
        lost = partner.archetype == "dormant" and rng.random() < 0.3
        partner.stage = "lost" if lost else "partner"
        # Most partners send what we treat; a few send many we must redirect.
        poor_fit = rng.random() < 0.1
        partner.inappropriate = rng.uniform(0.12, 0.3) if poor_fit else rng.uniform(0.01, 0.05)
    world.referrers = sorted(referrers, key=lambda p: p.id)
    world.referrer_ids = [p.id for p in world.referrers]
    for partner in world.partners:
        world.by_specialty.setdefault((partner.site, partner.specialty), []).append(partner)


def _story_deck(rng: random.Random, count: int) -> list[str]:
    """Trend stories in their exact shares, shuffled, so every seed tells all of them."""
    total = sum(ARCHETYPE_WEIGHTS.values())
    deck = [
        story
        for story, weight in ARCHETYPE_WEIGHTS.items()
        for _ in range(round(count * weight / total))
    ]
    deck = (deck + ["steady"] * count)[:count]
    rng.shuffle(deck)
    return deck


def _set_window(world: _World, rng: random.Random, partner: _Partner) -> None:
    """The span of days in which the partner refers: first and last referral dates."""
    start, today = world.start, world.today
    if partner.archetype == "new":
        partner.first_on = _next_weekday(today - rng.randint(5, 84))
        if partner.first_on > today:
            partner.first_on = today
        partner.last_on = today
        return
    # Established partners were referring before the history starts; the rest joined
    # early enough to have a year of baseline before the last 90 days.
    latest_join = today - 500
    if rng.random() < 0.65 or latest_join <= start:
        partner.first_on, partner.established = start, True
    else:
        partner.first_on = _next_weekday(rng.randint(start, latest_join))
    partner.last_on = today
    if partner.archetype == "dormant":
        if partner.first_on > today - 250:
            partner.first_on, partner.established = start, True
        last = rng.randint(partner.first_on + 60, today - 181)
        while _weekday(last) >= 5:
            last -= 1
        partner.last_on = max(last, partner.first_on)


def _write_partners(world: _World) -> None:
    rng = _stream(world.seed, "partners")
    npis: set[str] = set()
    names: set[str] = set()
    orgs_by_site: dict[tuple[int, str], list[_Partner]] = {}
    addresses: dict[int, tuple] = {}
    table = world.tables["partners"]
    for partner in world.partners:
        site = world.sites[partner.site]
        zip_code = _pick(rng, site.partner_zips, site.partner_zip_cum)
        address = (
            f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
            ZIPS[zip_code].city,
            "CO",
            zip_code,
            _phone(rng, site.area_code),
            _phone(rng, site.area_code),
        )
        if partner.kind == "organization":
            values = _organization_values(rng, partner, npis, names)
            orgs_by_site.setdefault((partner.site, partner.org_kind), []).append(partner)
            addresses[partner.id] = address
            works_at = None
        else:
            values = _person_values(rng, partner, npis)
            works_at = _workplace(rng, partner, orgs_by_site)
            if works_at:
                # Someone who works at a clinic is reached at the clinic's address.
                address = (*addresses[works_at.id][:4], address[4], addresses[works_at.id][5])
        email = _email(rng, partner, values)
        table.add(
            partner.kind,
            values["npi"],
            values["first"],
            values["last"],
            values["org"],
            values["credentials"],
            values["taxonomy"],
            str(partner.specialty),
            works_at.id if works_at else None,
            _introducer(rng, world, partner),
            *address,
            email,
            partner.preferred_channel,
            partner.stage,
            rng.choice(world.owner_ids) if partner.stage != "prospect" else None,
            rng.choice(PARTNER_NOTES) if rng.random() < 0.2 else "",
        )


def _organization_values(rng, partner: _Partner, npis: set[str], names: set[str]) -> dict:
    suffixes = next(k[4] for k in ORGANIZATION_KINDS if k[1] == partner.specialty)
    for attempt in itertools.count():
        name = f"{rng.choice(PLACE_WORDS)} {rng.choice(suffixes)}"
        if attempt > 20:
            name = f"{name} {attempt}"
        if name not in names:
            names.add(name)
            break
    is_clinic = partner.org_kind == "clinic"
    codes = ORGANIZATION_TAXONOMY.get(partner.specialty) or PERSON_TAXONOMY.get(
        partner.specialty, []
    )
    return {
        "npi": _npi(rng, npis) if is_clinic else None,
        "first": "",
        "last": "",
        "org": name,
        "credentials": "",
        "taxonomy": rng.choice(codes) if is_clinic and codes else "",
    }


def _person_values(rng, partner: _Partner, npis: set[str]) -> dict:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    last = rng.choice(LAST_NAMES)
    if partner.specialty == S.ATTORNEY:
        return {
            "npi": None,
            "first": first,
            "last": last,
            "org": "",
            "credentials": rng.choice(["JD", "Esq."]),
            "taxonomy": "",
        }
    taxonomy = rng.choice(PERSON_TAXONOMY[partner.specialty])
    credentials = next(c for prefix, c in CREDENTIALS if taxonomy.startswith(prefix))
    return {
        "npi": _npi(rng, npis),
        "first": first,
        "last": last,
        "org": "",
        "credentials": rng.choice(credentials),
        "taxonomy": taxonomy,
    }


def _workplace(rng, partner: _Partner, orgs_by_site: dict) -> _Partner | None:
    """The organization a person works at: a clinic nearby, or for occupational health and
    athletic trainers sometimes an employer's or a wellness program's on-site service."""
    kind = "clinic"
    if partner.specialty in (S.OCCUPATIONAL_MEDICINE, S.ATHLETIC_TRAINING) and rng.random() < 0.5:
        kind = "employer" if partner.specialty == S.OCCUPATIONAL_MEDICINE else "wellness"
    places = orgs_by_site.get((partner.site, kind), [])
    return rng.choice(places) if places and rng.random() < 0.35 else None


def _email(rng, partner: _Partner, values: dict) -> str:
    if rng.random() > 0.6:
        return ""
    if partner.kind == "organization":
        slug = "".join(ch for ch in values["org"].lower() if ch.isalnum())[:24]
        return f"referrals@{slug}.example"
    local = f"{values['first'][0]}{values['last']}".lower().replace("'", "")
    return f"{local}@{partner.specialty.replace('_', '')}-demo.example"


def _introducer(rng, world: _World, partner: _Partner) -> int | None:
    # A referrer created earlier introduced this partner (ids only point backwards).
    if rng.random() > 0.08:
        return None
    earlier = world.referrers[: bisect.bisect_left(world.referrer_ids, partner.id)]
    return rng.choice(earlier).id if earlier else None


def _write_touchpoints(world: _World) -> None:
    rng = _stream(world.seed, "touchpoints")
    kinds, weights = zip(*TOUCHPOINT_KINDS, strict=True)
    kind_cum = _cumulative(weights)
    top = {
        p.id
        for p in sorted(world.referrers, key=lambda p: -p.weight)[
            : max(5, len(world.referrers) // 10)
        ]
    }
    for partner in world.partners:
        for day in _touchpoint_days(world, rng, partner, partner.id in top):
            kind = _pick(rng, list(kinds), kind_cum)
            world.tables["touchpoints"].add(
                partner.id,
                _date(day),
                kind,
                rng.choice(TOUCHPOINT_NOTES[kind]),
                world.staff_names[Role.LIAISON if rng.random() < 0.8 else Role.MANAGER],
                _touchpoint_cost(rng, kind),
            )


def _touchpoint_days(world: _World, rng, partner: _Partner, is_top: bool) -> list[int]:
    today, start = world.today, world.start
    if partner.stage == "prospect":
        return []
    if partner.archetype == "prospect":
        # Courting: a few contacts, recent unless the prospect was lost.
        count = {
            "contacted": rng.randint(1, 2),
            "meeting": rng.randint(2, 4),
            "lost": rng.randint(1, 3),
        }[partner.stage]
        span = (today - 700, today - 200) if partner.stage == "lost" else (today - 200, today)
        days = (_next_weekday(rng.randint(max(start, span[0]), span[1])) for _ in range(count))
        return sorted(d for d in days if d <= today)
    days = []
    gap = (25, 50) if is_top else (60, 150)
    end = today if partner.archetype != "dormant" else min(today, partner.last_on + 90)
    day = max(start, partner.first_on - rng.randint(20, 120))
    while day <= end:
        days.append(_next_weekday(day))
        day += rng.randint(*gap)
    if partner.archetype in ("declining", "dormant") and rng.random() < 0.25:
        days.append(_next_weekday(today - rng.randint(3, 25)))  # someone already called
    return [d for d in days if d <= today]


def _touchpoint_cost(rng, kind: str) -> Decimal | None:
    """What a contact cost, per partner: a lunch or an event's share, coffee on a visit."""
    if kind == "lunch":
        return _cents(rng.randint(2500, 15000))
    if kind == "event":
        return _cents(rng.randint(500, 15000))
    if kind == "office_visit" and rng.random() < 0.4:
        return _cents(rng.randint(500, 3500))
    return None


def _write_marketing_spend(world: _World) -> None:
    """A row per month and channel (per location for local advertising), each a month's
    budget sized to win the channel's share of new patients at a plausible cost each."""
    rng = _stream(world.seed, "marketing")
    patients_a_month = world.scale.patients / (world.scale.years * 12)
    share = {
        channel: weight / sum(w for _, w in CHANNEL_WEIGHTS) for channel, weight in CHANNEL_WEIGHTS
    }
    total_weight = sum(site.weight for site in world.sites)
    table = world.tables["marketing_spend"]
    for month in _months(world.start, world.today):
        for channel, (dollars, often, local, description) in MARKETING.items():
            if rng.random() >= often:
                continue
            budget = patients_a_month * share[channel] * dollars / often
            places = (
                [(s.location_id, s.weight / total_weight) for s in world.sites]
                if local
                else [(None, 1.0)]
            )
            for location_id, part in places:
                cents = round(budget * part * rng.uniform(0.8, 1.2) * 100)
                table.add(channel, _date(month), _cents(cents), location_id, description)


def _months(start: int, today: int) -> list[int]:
    """The first day of each month that begins within [start, today]."""
    day = dt.date.fromordinal(start).replace(day=1)
    months = []
    while day.toordinal() <= today:
        if day.toordinal() >= start:
            months.append(day.toordinal())
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


# ---------------------------------------------------------------------------------------
# The history: who comes when
# ---------------------------------------------------------------------------------------


def _periods(start: int, today: int) -> list[tuple[int, int]]:
    """30-day periods ending on `today`, oldest first; the last three are exactly the
    recent 90 days of the trend figures."""
    periods, end = [], today
    while end >= start:
        first = max(start, end - 29)
        periods.append((first, end))
        end = first - 1
    return periods[::-1]


def _period_sizes(world: _World, periods) -> list[float]:
    """Expected new patients per period: practice growth times season, summing to the scale."""
    span = world.today - world.start
    raw = []
    for first, last in periods:
        middle = (first + last) // 2
        growth = 0.75 + 0.5 * (middle - world.start) / span
        raw.append((last - first + 1) * growth * SEASON[dt.date.fromordinal(middle).month])
    total = sum(raw)
    return [world.scale.patients * r / total for r in raw]


def _multiplier(partner: _Partner, first: int, last: int, today: int) -> float:
    """How much of its usual volume the partner sends in the period [first, last]."""
    active_first = max(first, partner.first_on)
    active_last = min(last, partner.last_on)
    if active_last < active_first:
        return 0.0
    share = (active_last - active_first + 1) / (last - first + 1)
    if last > today - 90:
        share *= RECENT_MULTIPLIER.get(partner.archetype, 1.0)
    elif last > today - 455:
        share *= BASELINE_MULTIPLIER.get(partner.archetype, 1.0)
    return share


def _random_day(rng, first: int, last: int) -> int:
    """A day in [first, last], weekdays far likelier than weekends."""
    while True:
        day = rng.randint(first, last)
        if rng.random() < WEEKDAY_WEIGHT[_weekday(day)]:
            return day


def _forced_referrals(world: _World, periods) -> dict[int, list[tuple[int, _Partner]]]:
    """A referrer that joins during the history sends its first referral on its first day,
    and a dormant one its last on its last day."""
    starts = [p[0] for p in periods]
    forced: dict[int, list[tuple[int, _Partner]]] = {}
    for partner in world.referrers:
        days = [] if partner.established else [partner.first_on]
        if partner.archetype == "dormant" and partner.last_on != partner.first_on:
            days.append(partner.last_on)
        for day in days:
            index = bisect.bisect(starts, day) - 1
            forced.setdefault(index, []).append((day, partner))
    return forced


def _intakes(world: _World):
    """Yield (day, channel, partner) for every new patient, in date order."""
    rng = _stream(world.seed, "intake")
    periods = _periods(world.start, world.today)
    sizes = _period_sizes(world, periods)
    forced = _forced_referrals(world, periods)
    channels = [c for c, _ in CHANNEL_WEIGHTS]
    channel_cum = _cumulative(w for _, w in CHANNEL_WEIGHTS)
    for index, ((first, last), size) in enumerate(zip(periods, sizes, strict=True)):
        count = int(size) + (rng.random() < size - int(size))
        picked = [_pick(rng, channels, channel_cum) for _ in range(count)]
        events = [(day, "referral", p) for day, p in forced.get(index, [])]
        slots = max(0, picked.count("referral") - len(events))
        events += _drawn_referrals(world, rng, first, last, slots)
        events += [(_random_day(rng, first, last), c, None) for c in picked if c != "referral"]
        events.sort(key=lambda e: e[0])
        yield from events


def _drawn_referrals(world: _World, rng, first: int, last: int, count: int) -> list:
    if count == 0:
        return []
    weights = [p.weight * _multiplier(p, first, last, world.today) for p in world.referrers]
    cumulative = _cumulative(weights)
    if cumulative[-1] <= 0:
        return []
    events = []
    for _ in range(count):
        partner = _pick(rng, world.referrers, cumulative)
        day = _random_day(rng, max(first, partner.first_on), min(last, partner.last_on))
        events.append((day, "referral", partner))
    return events


# ---------------------------------------------------------------------------------------
# One patient's story
# ---------------------------------------------------------------------------------------


def _admit(world: _World, day: int, channel: str, partner: _Partner | None) -> None:
    rng = world.rng
    site_index = (
        partner.site
        if partner and rng.random() < 0.85
        else world.sites.index(_pick(rng, world.sites, world.site_cum))
    )
    site = world.sites[site_index]
    sex = _weighted(rng, [("F", 53), ("M", 45), ("X", 1), ("U", 1)])
    first = rng.choice(
        FEMALE_NAMES if sex == "F" or (sex != "M" and rng.random() < 0.5) else MALE_NAMES
    )
    age = _age(rng)
    birth = day - int(age * 365.25) - rng.randint(0, 364)
    patient_id = world.tables["patients"].add(
        site.location_id,
        first,
        rng.choice(LAST_NAMES),
        _date(birth),
        sex,
        _pick(rng, site.patient_zips, site.patient_zip_cum),
        channel,
        partner.id if partner else None,
        _date(day),
    )
    payer = _payer(world, channel, partner, age)
    complaint = _complaint(rng, partner.specialty if partner else None)
    if partner:
        referral_id, start = _referral(world, patient_id, partner, site, day, complaint)
    else:
        referral_id = None
        start = day + rng.randint(0, 7) if rng.random() < 0.96 else None
    _care(world, patient_id, site, partner, referral_id, start, complaint, payer)
    if rng.random() < 0.05:
        _product_payments(world, patient_id, day)


def _care(world: _World, patient_id, site, partner, referral_id, start, complaint, payer):
    """The patient's episodes: the first one, then returns a year or more later."""
    rng = world.rng
    while start is not None and start <= world.today:
        start = _next_weekday(start)
        if start > world.today:
            return
        ended = _episode(world, patient_id, site, partner, referral_id, start, complaint, payer)
        if rng.random() >= 0.18:
            return
        day = max(start + rng.randint(365, 900), (ended or start) + 30)
        complaint = _complaint(rng, None)
        referral_id = None
        if partner and _still_refers(rng, partner, day, world.today):
            referral_id, start = _referral(
                world, patient_id, partner, site, day, complaint, returning=True
            )
        else:
            start = day


def _still_refers(rng, partner: _Partner, day: int, today: int) -> bool:
    # A returning patient comes back through the same partner only while it still refers,
    # thinned like its other referrals so trends stay as planned.
    if day > today or not partner.first_on <= day <= partner.last_on or rng.random() > 0.3:
        return False
    return rng.random() < _multiplier(partner, day, day, today)


def _age(rng) -> int:
    band = _weighted(rng, [((12, 17), 5), ((18, 39), 25), ((40, 64), 50), ((65, 90), 20)])
    return rng.randint(*band)


def _payer(world: _World, channel: str, partner: _Partner | None, age: int) -> str:
    rng = world.rng
    work = channel == "employer" or (
        partner and partner.specialty in (S.WORKERS_COMP, S.OCCUPATIONAL_MEDICINE, S.ATTORNEY)
    )
    if work and rng.random() < 0.7:
        return "workers_comp"
    if age >= 65 and rng.random() < 0.85:
        return "medicare"
    if rng.random() >= 0.72:
        return "self_pay"
    # Which insurer, from a stream of its own: the care stream draws as it always did.
    return _weighted(world.payers, INSURERS)


def _complaint(rng, specialty: str | None) -> str:
    mix = SPECIALTY_COMPLAINTS.get(specialty, COMPLAINT_MIX)
    return _weighted(rng, mix.items())


def _referral(world, patient_id, partner, site, day, complaint, returning=False):
    """Write the referral and its redirect letter; return (referral id, first visit day)."""
    rng, today = world.rng, world.today
    decision = decided = reason = None
    note, alternative, alternative_partner = "", "", None
    if not (day > today - 5 and rng.random() < 0.6):  # the newest wait for triage
        decided = min(today, day + rng.choice([0, 0, 1, 1, 2, 3]))
        roll = rng.random()
        inappropriate = 0 if returning else partner.inappropriate
        if roll < inappropriate:
            decision, reason = "declined", "not_appropriate"
            note, alternative, alternative_partner = _alternative(world, rng, partner)
        elif roll < inappropriate + 0.07:
            decision, reason = "declined", _weighted(rng, OTHER_DECLINES)
        else:
            decision = "accepted"
    instrument, codes, reasons = COMPLAINTS[complaint]
    referral_id = world.tables["referrals"].add(
        patient_id,
        partner.id,
        site.location_id,
        _date(day),
        rng.choice(reasons).format(w=rng.randint(2, 16)),
        ";".join(rng.sample(codes, rng.choice([1, 1, 2]))),
        "urgent" if rng.random() < 0.07 else "routine",
        decision,
        _date(decided),
        reason,
        note,
        alternative,
        alternative_partner,
    )
    if reason == "not_appropriate":
        _report(
            world,
            referral_id,
            None,
            "redirect",
            _business_days_after(decided, 1),
            decided,
            partner,
            site,
        )
    if decision != "accepted" or rng.random() < 0.07:  # declined, or never came in
        return referral_id, None
    wait = int(rng.lognormvariate(math.log(site.median_wait), 0.6))
    return referral_id, decided + min(wait, 60)


def _alternative(world: _World, rng, partner: _Partner) -> tuple[str, str, int | None]:
    """Why in words, where instead, and now and then the partner triage chose."""
    note, text, specialty = rng.choice(NOT_APPROPRIATE)
    nearby = world.by_specialty.get((partner.site, specialty), [])
    candidates = [p for p in nearby[:40] if p.id != partner.id]
    if candidates and rng.random() < 0.4:
        return note, text, rng.choice(candidates).id
    return note, text, None


@dataclass
class _Plan:
    planned_visits: int | None
    planned_weeks: int | None
    per_week: int
    course: str
    improvement: float
    reason: str
    attended: int


_COURSE_CUM = _cumulative(c[1] for c in COURSES)


def _plan(rng) -> _Plan:
    per_week = _weighted(rng, [(2, 60), (1, 25), (3, 15)])
    planned = rng.choice([6, 8, 8, 10, 12, 12, 12, 16, 18, 24])
    roll = rng.random()
    if roll < 0.03:
        planned = 0  # evaluation and a home program
    name, _, (low, high), reason = _pick(rng, COURSES, _COURSE_CUM)
    weeks = None if rng.random() < 0.06 else math.ceil(planned / per_week)
    attended = _attended(rng, name, planned)
    if planned == 0:
        name, reason, attended = "goals_met", "goals_met", 1
    return _Plan(
        planned_visits=None if 0.03 <= roll < 0.08 else planned,
        planned_weeks=weeks,
        per_week=per_week,
        course=name,
        improvement=rng.uniform(low, high),
        reason=reason,
        attended=attended,
    )


def _attended(rng, course: str, planned: int) -> int:
    if course in ("goals_met", "plateau"):
        return max(2, round(planned * rng.uniform(0.75, 1.1)))
    if course in ("stalled", "worsening"):
        return max(3, round(planned * rng.uniform(0.9, 1.3)))
    return {
        "self_discharged": rng.randint(1, 4),
        "referred_out": rng.randint(2, 6),
        "surgery": rng.randint(2, 8),
        "other": rng.randint(1, 10),
    }[course]


def _visit_slots(rng, start: int, plan: _Plan) -> list[tuple[int, str]]:
    """Booked visits from the evaluation on: attended ones until the plan's count is reached,
    with no-shows and cancellations between; someone who stops coming misses the last ones."""
    slots = [(start, "attended")]
    attended, day = 1, start
    gaps = {1: (6, 8), 2: (2, 5), 3: (1, 3)}[plan.per_week]
    while attended < plan.attended:
        day = _next_weekday(day + rng.randint(*gaps))
        if attended > plan.attended // 2 and rng.random() < 0.3:
            day = _next_weekday(day + rng.randint(2, 5))  # visits thin out as patients improve
        roll = rng.random()
        if roll < 0.05:
            slots.append((day, "no_show"))
        elif roll < 0.12:
            slots.append((day, "cancelled"))
        else:
            slots.append((day, "attended"))
            attended += 1
    if plan.course == "self_discharged":
        for _ in range(rng.randint(1, 2)):
            day = _next_weekday(day + rng.randint(*gaps))
            slots.append((day, rng.choice(["no_show", "cancelled"])))
    return slots


def _discharge(rng, plan: _Plan, slots, today: int) -> tuple[int | None, str | None]:
    """(ended_on, reason); an episode still going on `today` is open."""
    last_attended = max(d for d, s in slots if s == "attended")
    if plan.course == "self_discharged":
        ended = slots[-1][0] + rng.randint(14, 45)  # closed once the practice gives up
    elif plan.course in ("referred_out", "surgery"):
        ended = last_attended + rng.randint(0, 7)
    elif plan.course == "other":
        ended = last_attended + rng.randint(0, 30)
    else:
        ended = last_attended
    if ended > today or slots[-1][0] > today:
        return None, None
    return ended, plan.reason


def _episode(world, patient_id, site, partner, referral_id, start, complaint, payer):
    """Write one episode with its visits, outcomes, payments and letters; return its end."""
    rng, today = world.rng, world.today
    plan = _plan(rng)
    measure = _primary_measure(rng, complaint)
    slots = _visit_slots(rng, start, plan)
    ended, reason = _discharge(rng, plan, slots, today)
    slots = [s for s in slots if s[0] <= today]
    episode_id = world.tables["episodes"].add(
        patient_id,
        referral_id,
        site.location_id,
        _pick(rng, site.clinicians, site.clinician_cum),
        _date(start),
        plan.planned_visits,
        plan.planned_weeks,
        measure,
        _date(ended),
        reason,
        payer,
        extra=_clinical_record(rng, complaint, plan, ended),
    )
    visits = world.tables["visits"]
    for day, status in slots:
        visits.add(episode_id, _date(day), status)
    attended = [d for d, s in slots if s == "attended"]
    scores = _outcomes(world, episode_id, plan, measure, attended, ended)
    _episode_payments(world, patient_id, episode_id, site, payer, attended, ended)
    if referral_id:
        _episode_reports(
            world, referral_id, episode_id, partner, site, start, ended, measure, scores
        )
    return ended


def _clinical_record(rng, complaint: str, plan: _Plan, ended: int | None) -> dict:
    """What the clinician wrote at evaluation and discharge, for the letters' drafts."""
    code = rng.choice(COMPLAINTS[complaint][1])
    discussed = rng.choice([True, False, False, None])
    record = {
        "diagnosis_code": code,
        "diagnosis": DIAGNOSES[code],
        "visits_per_week": plan.per_week,
        "interventions": INTERVENTIONS[complaint],
        "expected_improvement_weeks": rng.choice([4, 6, 6, 8, 12]),
        "surgical_options_discussed": discussed,
        "surgical_discussion": rng.choice(SURGICAL_DISCUSSIONS) if discussed else "",
    }
    if ended:
        record["recommendations"] = rng.choice(RECOMMENDATIONS)
        record["referrer_follow_up"] = rng.choice(FOLLOW_UPS)
    return record


def _primary_measure(rng, complaint: str) -> str | None:
    roll = rng.random()
    if roll < 0.84:
        return COMPLAINTS[complaint][0]
    if roll < 0.91:
        return "PSFS"
    return "NPRS" if roll < 0.96 else None


def _outcomes(world, episode_id, plan: _Plan, measure, attended, ended) -> list[tuple]:
    """Measure at the evaluation, about every four weeks, and at a discharge visit; return
    the primary instrument's (day, score) pairs."""
    rng = world.rng
    days = [attended[0]]
    gap = rng.randint(25, 35)
    for day in attended[1:]:
        if day - days[-1] >= gap and rng.random() < 0.9:
            days.append(day)
    if ended and plan.course in ("goals_met", "plateau", "stalled") and days[-1] != attended[-1]:
        days.append(attended[-1])
    span = max(28, math.ceil(plan.attended / plan.per_week) * 7)
    instruments = [measure or "NPRS"]
    if measure not in (None, "NPRS") and rng.random() < 0.35:
        instruments.append("NPRS")  # pain is often tracked beside the function score
    table = world.tables["outcomes"]
    primary = []
    for instrument in instruments:
        baseline = _baseline(rng, instrument)
        change = plan.improvement * float(INSTRUMENTS[instrument].mcid)
        for day in days:
            score = _score(rng, instrument, baseline, change, (day - days[0]) / span)
            table.add(episode_id, _date(day), instrument, score, None)
            if instrument == measure:
                primary.append((day, score))
    return primary


def _baseline(rng, instrument: str) -> float:
    mean, sd, low, high = BASELINES[instrument]
    return min(high, max(low, rng.gauss(mean, sd)))


def _score(rng, instrument: str, baseline: float, change: float, progress: float) -> Decimal:
    spec = INSTRUMENTS[instrument]
    improvement = 0.0
    if progress > 0:
        # Who gets worse tends to do so early; improvement comes more gradually.
        shape = 0.5 if change < 0 else 0.6
        improvement = change * min(1.0, progress) ** shape + rng.gauss(0, 0.12 * float(spec.mcid))
    value = baseline - improvement if spec.lower_is_better else baseline + improvement
    value = min(float(spec.maximum), max(float(spec.minimum), value))
    return Decimal(f"{_on_the_scale(instrument, value):.2f}")


def _on_the_scale(instrument: str, value: float) -> float:
    """Round to the values the questionnaire can give (e.g. ODI in steps of 2 %)."""
    if instrument in ("ODI", "NDI"):
        return round(value / 2) * 2
    if instrument in ("NPRS", "LEFS"):
        return round(value)
    if instrument == "PSFS":
        return round(value * 3) / 3  # mean of three 0-10 items
    return (round(value / 25 * 11) / 11) * 25  # QuickDASH: (sum / 11 - 1) x 25


def _episode_payments(world, patient_id, episode_id, site, payer, attended, ended) -> None:
    rng, today = world.rng, world.today
    payments = []
    if payer == "self_pay":
        payments = _self_pay(rng, site.self_pay_cents, attended, ended)
    else:
        payments = _insured(rng, payer, attended)
    table = world.tables["payments"]
    for day, cents in payments:
        if day <= today:
            table.add(patient_id, episode_id, _date(day), _cents(cents))


def _self_pay(rng, rate: int, attended: list[int], ended: int | None) -> list[tuple[int, int]]:
    if rng.random() < 0.15:
        # A prepaid package; unused visits are refunded at discharge.
        size = rng.choice([6, 10])
        price = rate * size * 9 // 10
        payments = [(attended[0], price)]
        payments += [(d, rate) for d in attended[size:]]
        unused = size - len(attended)
        if ended and unused > 0:
            payments.append((ended + rng.randint(3, 20), -(price * unused // size)))
        return payments
    payments = [(d, rate + (5000 if i == 0 else 0)) for i, d in enumerate(attended)]
    if rng.random() < 0.01:
        payments.append((attended[-1] + rng.randint(2, 10), -rate))  # charged twice
    return payments


def _insured(rng, payer: str, attended: list[int]) -> list[tuple[int, int]]:
    """Copays at the desk, then the payer's remittance per block of visits, weeks later."""
    payer = payer if payer in ("medicare", "workers_comp") else "insurance"
    allowed = {
        "insurance": (7000, 14000),
        "medicare": (6000, 9500),
        "workers_comp": (11000, 16000),
    }[payer]
    copay = {"insurance": rng.choice([2000, 3000, 4000, 5000]), "medicare": 0, "workers_comp": 0}[
        payer
    ]
    block, lag = (6, (30, 75)) if payer == "workers_comp" else (4, (14, 45))
    rate = rng.randint(*allowed)
    payments = [(d, copay) for d in attended if copay and rng.random() < 0.85]
    for i in range(0, len(attended), block):
        visits = attended[i : i + block]
        amount = (rate - copay) * len(visits) + (4500 if i == 0 else 0)
        paid = visits[-1] + rng.randint(*lag)
        payments.append((paid, amount))
        if rng.random() < 0.015:  # the payer takes some back after an audit
            payments.append((paid + rng.randint(60, 180), -rng.randint(amount // 5, amount)))
    return payments


def _product_payments(world, patient_id, day: int) -> None:
    rng = world.rng
    for _ in range(rng.randint(1, 2)):
        paid = day + rng.randint(0, 400)
        if paid <= world.today:
            _, cents = rng.choice(PRODUCTS)
            world.tables["payments"].add(patient_id, None, _date(paid), _cents(cents))


def _episode_reports(
    world, referral_id, episode_id, partner, site, start, ended, measure, scores
) -> None:
    """The letters the communication rules owe the referring partner for this episode."""
    today = world.today
    _report(
        world,
        referral_id,
        episode_id,
        "initial",
        _business_days_after(start, 2),
        start,
        partner,
        site,
    )
    horizon = ended - 1 if ended else today + 7  # upcoming progress letters show as due soon
    due = start + 30
    while due <= horizon:
        _report(world, referral_id, episode_id, "progress", due, due - 3, partner, site)
        due += 30
    if ended:
        _report(
            world,
            referral_id,
            episode_id,
            "discharge",
            _business_days_after(ended, 3),
            ended,
            partner,
            site,
        )
    found = _not_responding_on(measure, scores)
    if found and (ended is None or found <= ended):
        _report(
            world,
            referral_id,
            episode_id,
            "alert",
            _business_days_after(found, 2),
            found,
            partner,
            site,
        )


def _not_responding_on(measure: str | None, scores: list[tuple]) -> int | None:
    """The first measurement day, 28+ days after the first, showing less than the MCID."""
    if not measure or len(scores) < 2:
        return None
    spec = INSTRUMENTS[measure]
    first_day, first_score = scores[0]
    for day, score in scores[1:]:
        if day - first_day >= 28 and spec.improvement(first_score, score) < spec.mcid:
            return day
    return None


def _report(world, referral_id, episode_id, kind, due, earliest, partner, site) -> None:
    """A letter due on `due`: sent on time, sent late, or not (yet) sent."""
    rng, today = world.rng, world.today
    late, never = REPORT_HABITS[kind]
    late *= site.late_factor
    if due < today - RECENT_BACKLOG_DAYS:
        never /= 4  # old letters mostly went out eventually; the backlog is recent
    roll = rng.random()
    if roll < never:
        sent = None
    elif roll < never + late:
        sent = due + 1 + int(rng.expovariate(1 / 6))
    else:
        sent = max(earliest, due - rng.choice([0, 0, 0, 1, 2]))
    if sent is not None and sent > today:
        sent = None
    channel = None
    if sent is not None:
        channel = partner.preferred_channel if rng.random() < 0.85 else "fax"
    world.tables["reports"].add(referral_id, episode_id, kind, _date(due), _date(sent), channel)


# ---------------------------------------------------------------------------------------
# The entry points
# ---------------------------------------------------------------------------------------


def existing_data() -> dict[str, int]:
    """What is already in the database that seeding would collide with; empty when none."""
    counts = {
        "users": User.objects.count(),
        "locations": Location.objects.count(),
        "partners": Partner.objects.count(),
        "patients": Patient.objects.count(),
    }
    return {name: n for name, n in counts.items() if n}


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of the demo logins that still have DEMO_PASSWORD, for `make run`."""
    logins = []
    for user in User.objects.filter(username__in=DEMO_USERNAMES, is_active=True):
        if user.check_password(DEMO_PASSWORD):
            logins.append((user.username, user.role))
    order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
    return sorted(logins, key=lambda login: order[login[0]])


def seed_demo(
    *,
    scale: str,
    seed: int,
    today: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Fill an empty database with the demo practice as of `today`; return rows per table.

    The caller makes sure the database is empty (see `existing_data`).
    """
    size = SCALES[scale]
    started = time.monotonic()
    with transaction.atomic(), facts.suspended(), connection.cursor() as cursor:
        _tune(cursor)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        tables = {
            name: _Table(model, fields, prefix, width, seed, now, OPTIONAL.get(name, ()))
            for name, (model, fields, prefix, width) in TABLES.items()
        }
        world = _World(
            seed=seed,
            scale=size,
            today=today.toordinal(),
            start=today.toordinal() - size.years * 365 + 1,
            rng=_stream(seed, "care"),
            payers=_stream(seed, "payers"),
            tables=tables,
        )
        _seed_world(world, cursor)
        _seed_history(world, cursor, progress)
        clinicians_link_by_name()
        _finish(cursor)
    counts = {
        "locations": len(world.sites),
        "users": User.objects.count(),
        **{name: t.count for name, t in tables.items()},
    }
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _tune(cursor) -> None:
    if connection.vendor == "sqlite":
        # A large page cache keeps the random-UUID indexes in memory while rows pour in.
        cursor.execute("PRAGMA cache_size = -524288")


def _seed_world(world: _World, cursor) -> None:
    _create_sites(world)
    _create_staff(world)
    _mark_wanted_specialties(world)
    _plan_partners(world)
    _write_partners(world)
    _write_touchpoints(world)
    _write_marketing_spend(world)
    for name in ("partners", "touchpoints", "marketing_spend"):
        world.tables[name].flush(cursor)
    if connection.vendor == "postgresql":
        # Check foreign keys row by row from here on, rather than queueing millions of
        # checks in server memory until the commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _seed_history(world: _World, cursor, progress) -> None:
    patients = world.tables["patients"]
    pending = chunks = 0
    for day, channel, partner in _intakes(world):
        _admit(world, day, channel, partner)
        pending += 1
        if pending >= CHUNK_PATIENTS:
            chunks += 1
            _flush_care(world, cursor, analyze=chunks & (chunks - 1) == 0)
            pending = 0
            if progress:
                progress(patients.count, world.scale.patients)
    _flush_care(world, cursor, analyze=False)  # _finish analyzes
    if progress:
        progress(patients.count, world.scale.patients)


def _flush_care(world: _World, cursor, analyze: bool) -> None:
    for name in CARE_TABLES:  # parents before children
        world.tables[name].flush(cursor)
    if analyze and connection.vendor == "postgresql":
        # Autovacuum cannot see this transaction's rows, so the planner would keep the
        # plans it made for near-empty tables (the triggers' lookups become scans, one per
        # row). ANALYZE counts our own rows; the caller redoes it as the tables double.
        cursor.execute("ANALYZE")


def _finish(cursor) -> None:
    """Move PostgreSQL's sequences past the ids given explicitly, and leave fresh statistics
    for the first queries on the new data."""
    statements = connection.ops.sequence_reset_sql(no_style(), [t[0] for t in TABLES.values()])
    for sql in statements:
        cursor.execute(sql)
    if connection.vendor == "postgresql":
        cursor.execute("ANALYZE")


__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAMES",
    "PUBLIC_SCALES",
    "SCALES",
    "demo_logins",
    "existing_data",
    "seed_demo",
]
