"""The liaison role never sees a patient: no name or birth date on any page or export it can
reach. The test crawls as the liaison from / and the insights pages, follows every same-site
link (CSV downloads and the monthly PDF included) and reads every body it gets back."""

import datetime as dt
import io
import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from pypdf import PdfReader

from conftest import client_for
from liaison.care.models import Patient
from liaison.factories import PartnerFactory
from liaison.insights.pages.common import PAGES
from liaison.insights.tests.history import episode, payment, referral, touchpoint, visits

pytestmark = pytest.mark.django_db

GIVEN = ["Zebulonia", "Quintessa", "Marigoldine", "Thaddeusz", "Ottoline", "Peregrinus"]
FAMILY = ["Quillfeather", "Vanderspool", "Brackenwythe", "Oddsocks", "Thistlewaite", "Zamorakis"]
# The formats the templates show dates in, and ISO.
DATE_FORMATS = ["Y-m-d", "M j, Y", "N j, Y", "F j, Y", "m/d/Y", "n/j/Y", "j M Y", "d.m.Y"]
MAX_PAGES = 400
SKIP = ("/static/", "/media/", "/accounts/logout", "/admin/")
HREF = re.compile(r"""href=["']([^"'#]+)""")


@pytest.fixture
def history(location_a, location_b):
    """Partners with referrals, visits, payments and touchpoints over the last year; every
    patient renamed to a name no page could show by accident."""
    today = timezone.localdate()

    def ago(n: int) -> str:
        return (today - dt.timedelta(days=n)).isoformat()

    partners = [PartnerFactory(external_id=f"DR-{n}") for n in range(3)]
    for n in range(12):
        partner, where = partners[n % 3], (location_a, location_b)[n % 2]
        ref = referral(partner, ago(20 + 29 * n), location=where)
        ep = episode(ref, started=ago(15 + 29 * n), ended=ago(29 * n) if n % 3 else None)
        visits(ep, ago(15 + 29 * n), ago(8 + 29 * n))
        payment(ref.patient, ago(15 + 29 * n), "95.00", ep)
    touchpoint(partners[0], ago(10))
    for n, patient in enumerate(Patient.objects.order_by("pk")):
        patient.first_name = GIVEN[n % len(GIVEN)]
        patient.last_name = f"{FAMILY[n % len(FAMILY)]}"
        patient.birth_date = dt.date(1950, 1, 3) + dt.timedelta(days=397 * n)
        patient.save()
    return list(Patient.objects.all())


def forbidden(patients) -> set[str]:
    words = {p.first_name for p in patients} | {p.last_name for p in patients}
    for patient in patients:
        words |= {dateformat.format(patient.birth_date, f) for f in DATE_FORMATS}
    return words


def readable(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return unescape(body.decode("utf-8", errors="replace"))


def seeds() -> list[str]:
    return ["/", *(reverse(name) for name, _ in PAGES), reverse("insights-monthly-pdf")]


def shape(address: str) -> tuple:
    """Addresses differing only in a sort order or filter value show the same kind of rows:
    one of each shape is read (every CSV table and every page is still its own shape)."""
    parts = urlsplit(address)
    query = parse_qs(parts.query)
    return parts.path, tuple(sorted(query)), tuple(query.get("csv", ()))


def crawl(client, start: list[str]) -> dict[str, str]:
    """Every same-site address reachable by GET from `start`: address → readable body."""
    seen: dict[str, str] = {}
    shapes: set[tuple] = set()
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        address = queue.pop(0)
        if shape(address) in shapes or address.startswith(SKIP):
            continue
        shapes.add(shape(address))
        response = client.get(address)
        seen[address] = text = readable(response)
        if "html" in response.get("Content-Type", ""):
            queue += [link for link in links(address, text) if link not in seen]
    return seen


def links(address: str, html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        parts = urlsplit(urljoin(address, href))
        if parts.scheme in ("", "http") and parts.netloc in ("", "testserver"):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_no_page_or_export_the_liaison_reaches_names_a_patient(history, liaison_user, client):
    pages = crawl(client_for(client, liaison_user), seeds())
    words = forbidden(history)
    leaks = {(address, word) for address, text in pages.items() for word in words if word in text}
    assert not leaks
    assert reverse("insights-overview") in pages and reverse("insights-monthly-pdf") in pages
    assert len(pages) > len(PAGES)
    # Every CSV an insights page offers was downloaded and read.
    offered = {
        shape(link)
        for address, text in pages.items()
        if address.startswith("/insights/")
        for link in links(address, text)
        if "csv=" in link
    }
    assert offered <= {shape(address) for address in pages}


def test_the_check_would_catch_a_name(history, owner, client):
    """The same crawl as a manager does find the patients: the check is not blind."""
    patient = history[0]
    page = client_for(client, owner).get(reverse("care-patient-detail", args=[patient.code]))
    text = readable(page)
    assert patient.last_name in text
    assert dateformat.format(patient.birth_date, "M j, Y") in text
