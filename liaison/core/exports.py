"""CSV downloads of the pages' lists, streamed so that a list of any length costs little memory."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """A CSV download; `rows` is iterated as the response is sent (use `.iterator()`)."""
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark lets spreadsheet programs read the names' accents right.
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value) -> object:
    if value is None:
        return ""
    # A text cell starting like a formula would run as one in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
