"""Error pages Django's defaults do not word as we need."""

from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


def bad_request(request, exception):
    """400: say which field was wrong when our own code said so (`BadRequest("field: …")`);
    Django's other 400s (a suspicious request) stay unexplained."""
    reason = str(exception) if type(exception) is BadRequest else ""
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}))
