"""What the tests of the channels, response, touchpoints and gaps pages share."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from liaison.insights.kept import forget

# Managers and the liaison may look; other roles are refused; the anonymous log in first.
ROLES = pytest.mark.parametrize(
    "user, status",
    [
        ("owner", 200),
        ("liaison_user", 200),
        ("clinician", 403),
        ("front_desk", 403),
        (None, 302),
    ],
)


def status_for(request, client, user: str | None, url: str) -> int:
    if user is None:
        request.getfixturevalue("db")
        response = client.get(url)
        assert response.status_code != 302 or "login" in response["Location"]
        return response.status_code
    return client_for(client, request.getfixturevalue(user)).get(url).status_code


def csv_lines(response) -> list[str]:
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def queries_of(client, url: str, query: dict) -> int:
    """The queries one request makes, its figures computed afresh (nothing cached)."""
    cache.clear()
    forget()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)
