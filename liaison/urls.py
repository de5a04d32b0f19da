from django.contrib import admin
from django.urls import include, path

from liaison.api import api
from liaison.insights import views as insights_views

admin.site.site_header = "Liaison administration"
admin.site.site_title = "Liaison"

urlpatterns = [
    path("", insights_views.home, name="insights-home"),
    path("accounts/", include("liaison.accounts.urls")),
    path("care/", include("liaison.care.urls")),
    path("partners/", include("liaison.partners.urls")),
    path("insights/", include("liaison.insights.urls")),
    path("reports/", include("liaison.reports.urls")),
    path("practice-files/", include("liaison.interop.urls")),
    path("portal/", include("liaison.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "liaison.core.errors.bad_request"
