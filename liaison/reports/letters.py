"""A report as a letter: the context that both the on-screen preview and the PDF render from
`reports/letter_sheet.html`, so the page the clinician checks is the page that is sent."""

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.core.models import PracticeSettings
from liaison.reports.markup import letter_blocks
from liaison.reports.models import Report, SignedText


@lru_cache(maxsize=1)
def letter_css() -> str:
    return (settings.BASE_DIR / "static" / "css" / "letter.css").read_text()


def reports_for_letters():
    """Reports with everything a letter shows, fetched in a fixed number of queries."""
    return Report.objects.select_related(
        "referral__patient__location", "referral__partner__specialty", "episode__location"
    ).prefetch_related("signed_texts")


def letter_context(*, report: Report, upto: SignedText | None = None) -> dict:
    """What the letter shows: the signed text (or, before signing, the draft) and the
    addenda signed up to `upto` (all of them by default)."""
    texts = [t for t in report.signed_texts.all() if upto is None or t.pk <= upto.pk]
    letter = next((t for t in texts if not t.is_addendum), None)
    referral = report.referral
    episode = report.episode
    location = (episode.location if episode and episode.location_id else None) or (
        referral.patient.location
    )
    return {
        "report": report,
        "practice": PracticeSettings.current(),
        "location": location,
        "partner": referral.partner,
        "patient": referral.patient,
        "referral": referral,
        "blocks": letter_blocks(letter.body if letter else report.body),
        "signature": letter,
        "addenda": [(t, letter_blocks(t.body)) for t in texts if t.is_addendum],
        "letter_date": timezone.localdate(letter.signed_at) if letter else timezone.localdate(),
    }


def letter_html(*, report: Report, upto: SignedText | None = None) -> str:
    """The whole letter as a standalone HTML document, for WeasyPrint."""
    context = letter_context(report=report, upto=upto) | {"letter_css": letter_css()}
    return render_to_string("reports/letter.html", context)
