from django.urls import path

from liaison.interop import views

urlpatterns = [
    path("import/", views.import_start, name="interop-import"),
    path("import/<uuid:code>/", views.import_detail, name="interop-import-detail"),
    path("import/<uuid:code>/status/", views.import_status, name="interop-import-status"),
    path("import/<uuid:code>/confirm/", views.import_confirm, name="interop-import-confirm"),
]
