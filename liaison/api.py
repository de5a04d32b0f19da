"""Liaison's REST API, version 1: mounted at /api/v1/, described at /api/v1/openapi.json.

Each app adds its router here; a router's endpoints call the same queries and services as
the pages and the commands.
"""

from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from liaison.insights.api import router as insights_router

api = NinjaAPI(
    title="Liaison API",
    version="1",
    description="Referral relationship management: figures defined in docs/metrics.md.",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,  # the OpenAPI description is the documentation; no page to serve
)
api.add_router("/insights/", insights_router)


@api.exception_handler(ValidationError)
def bad_request(request, error: ValidationError):
    """A parameter the endpoint cannot take: 400, each error naming its field in `loc`."""
    return api.create_response(request, {"detail": error.errors}, status=400)
