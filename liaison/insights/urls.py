from django.urls import path

from liaison.insights.pages import (
    channels,
    gaps,
    monthly,
    overview,
    ranking,
    response,
    touchpoints,
    trends,
)

urlpatterns = [
    path("", overview.page, name="insights-overview"),
    path("partners/", ranking.page, name="insights-ranking"),
    path("trends/", trends.page, name="insights-trends"),
    path("channels/", channels.page, name="insights-channels"),
    path("response/", response.page, name="insights-response"),
    path("touchpoints/", touchpoints.page, name="insights-touchpoints"),
    path("gaps/", gaps.page, name="insights-gaps"),
    path("monthly.pdf", monthly.page, name="insights-monthly-pdf"),
]
