"""Insights: the trends page (being built)."""

from liaison.insights.pages.common import filters_for, insights_page, render_page


@insights_page
def page(request):
    filters = filters_for(request)
    return render_page(request, "insights/trends.html", filters, {})
