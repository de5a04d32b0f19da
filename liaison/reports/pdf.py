"""Reports as PDF, with WeasyPrint. It needs the Pango library, so it is imported here only,
when a PDF is made: everything else runs on a machine without Pango."""

from django.conf import settings

from liaison.reports.models import Report, SignedText
from liaison.reports.sheets import sheet_html


def report_pdf(*, report: Report, upto: SignedText | None = None) -> bytes:
    return _document(sheet_html(report=report, upto=upto)).write_pdf()


def reports_pdf(*, reports: list[Report]) -> bytes:
    """One PDF of several reports, each starting on a new page (the print queue)."""
    documents = [_document(sheet_html(report=report)) for report in reports]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def _document(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()
