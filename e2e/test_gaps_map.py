"""The gaps map in a browser: offline, the server's labelled drawing; with map tiles, the same
bubbles and partner markers on a Leaflet map, each with its popup."""

import re
import struct
import zlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.accessibility import assert_accessible
from liaison.accounts.models import Role
from liaison.factories import PartnerFactory, UserFactory
from liaison.insights.tests.history import referral
from liaison.insights.tests.test_gaps import new_patients

TILES = "http://tiles.test/{z}/{x}/{y}.png"
GAPS = reverse("insights-gaps") + "?as_of=2026-03-31&window_days=365"


def grey_png() -> bytes:
    """A one-pixel grey PNG: the tile the test's tile server answers with."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\xdd")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def network(transactional_db):
    referral(PartnerFactory(first_name="Ana", last_name="Reed", zip="80203"), "2026-01-05")
    new_patients("80202", 6)  # near the active partner
    new_patients("80466", 5)  # Nederland: a gap
    return UserFactory(username="liaison", role=Role.LIAISON)


def test_offline_the_labelled_drawing_is_the_map(page, log_in, screenshot, network):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(network)
    page.goto(GAPS)  # tiles from OpenStreetMap, which the browser tests cannot reach
    expect(page.locator("#gaps-leaflet.leaflet-container")).to_have_count(1)  # Leaflet tried
    page.wait_for_load_state("networkidle")
    drawing = page.get_by_role("img", name="New patients by ZIP and active partners")
    expect(drawing).to_be_visible()
    for label in ("80466", "80202", "Gap: no active partner within 10 mi", "Active partners"):
        expect(drawing.locator("text", has_text=label)).to_be_visible()
    expect(page.locator("#gaps-leaflet")).to_be_hidden()
    screenshot("offline")
    assert_accessible(page)
    assert not errors


def test_with_tiles_the_bubbles_and_markers_are_on_a_real_map(
    page, log_in, screenshot, network, settings
):
    settings.LIAISON_MAP_TILES = TILES
    tile = grey_png()
    page.route(
        "http://tiles.test/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    log_in(network)
    page.goto(GAPS)
    leaflet = page.get_by_role("region", name="Map of new patients by ZIP and active partners")
    expect(leaflet).to_be_visible()
    expect(page.get_by_role("img", name="New patients by ZIP and active partners")).to_be_hidden()
    tile_url = re.compile(r"^http://tiles\.test/\d+/\d+/\d+\.png$")
    expect(leaflet.locator("img.leaflet-tile").first).to_have_attribute("src", tile_url)
    # Two ZIP bubbles and one place with active partners; the gap carries its ZIP, the
    # other ZIP shows it on hover.
    expect(leaflet.locator("path.leaflet-interactive")).to_have_count(3)
    expect(leaflet.locator(".leaflet-tooltip", has_text="ZIP 80466")).to_be_visible()
    expect(leaflet.locator(".leaflet-tooltip", has_text="ZIP 80202")).to_have_count(0)
    leaflet.locator("path.leaflet-interactive[stroke='#1d4f91']").hover()
    expect(leaflet.locator(".leaflet-tooltip", has_text="ZIP 80202")).to_be_visible()
    expect(leaflet.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    screenshot("tiles")

    popup = leaflet.locator(".leaflet-popup-content")
    leaflet.locator("path.leaflet-interactive[stroke='#a8231a']").click()  # the gap
    for words in ("ZIP 80466", "5 new patients", "0 active partners within 10 miles", "A gap"):
        expect(popup).to_contain_text(words)
    screenshot("popup")
    assert_accessible(page)
    # The partners' marker. Leaflet may still be panning to the first popup: the click goes to
    # the marker itself, not to a point on the screen.
    leaflet.locator("path.leaflet-interactive[stroke='#ffffff']").dispatch_event("click")
    partners = popup.filter(has_text="1 active partner in ZIP 80203")
    expect(partners).to_be_visible()
    expect(partners).to_contain_text("Ana Reed, MD")
