"""A report as a printed sheet: the context that both the on-screen preview and the PDF render from
`reports/report_sheet.html`, so the page the clinician checks is the page that is sent."""

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.core.models import PracticeSettings
from liaison.reports.markup import report_blocks
from liaison.reports.models import Report, SignedText


@lru_cache(maxsize=1)
def sheet_css() -> str:
    return (settings.BASE_DIR / "static" / "css" / "report_sheet.css").read_text()


def reports_for_sheets():
    """Reports with everything a report shows, fetched in a fixed number of queries."""
    return Report.objects.select_related(
        "referral__patient__location", "referral__partner__specialty", "episode__location"
    ).prefetch_related("signed_texts")


def sheet_context(*, report: Report, upto: SignedText | None = None) -> dict:
    """What the report shows: the signed text (or, before signing, the draft) and the
    addenda signed up to `upto` (all of them by default)."""
    texts = [t for t in report.signed_texts.all() if upto is None or t.pk <= upto.pk]
    signed = next((t for t in texts if not t.is_addendum), None)
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
        "blocks": report_blocks(signed.body if signed else report.body),
        "signature": signed,
        "addenda": [(t, report_blocks(t.body)) for t in texts if t.is_addendum],
        "report_date": timezone.localdate(signed.signed_at) if signed else timezone.localdate(),
    }


def sheet_html(*, report: Report, upto: SignedText | None = None) -> str:
    """The whole report as a standalone HTML document, for WeasyPrint."""
    context = sheet_context(report=report, upto=upto) | {"sheet_css": sheet_css()}
    return render_to_string("reports/report_pdf.html", context)
