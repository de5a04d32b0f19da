"""Response headers every page carries."""

from functools import lru_cache
from urllib.parse import urlparse

from django.conf import settings


def content_security_policy() -> str:
    return _policy(settings.LIAISON_MAP_TILES)


@lru_cache(maxsize=4)
def _policy(tiles_url: str) -> str:
    """Scripts from Liaison itself only (no inline script, no eval); styles may be inline
    (a few style attributes, and the ones htmx adds); map tiles from the configured server."""
    tiles = urlparse(tiles_url)
    tile_origin = f" {tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data:{tile_origin}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """The Content-Security-Policy, and `Cache-Control: no-store` on every response Liaison
    computes (pages, CSVs, PDFs, the API: any may carry patient data), so no browser or proxy
    keeps a copy. Static files are served before this middleware, and cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy())
        response["Cache-Control"] = "no-store"
        return response
