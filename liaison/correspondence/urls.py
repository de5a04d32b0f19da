from django.urls import path

from liaison.correspondence import views

urlpatterns = [
    path("", views.queue, name="correspondence-queue"),
    path("drafts/", views.draft, name="correspondence-draft"),
    path("reports/<uuid:code>/", views.report_detail, name="correspondence-report"),
    path("reports/<uuid:code>/pdf/", views.report_pdf, name="correspondence-report-pdf"),
    path(
        "reports/<uuid:code>/redraft/",
        views.report_redraft_view,
        name="correspondence-report-redraft",
    ),
    path(
        "reports/<uuid:code>/addendum/",
        views.report_addendum,
        name="correspondence-report-addendum",
    ),
    path(
        "deliveries/<uuid:code>/retry/",
        views.delivery_retry,
        name="correspondence-delivery-retry",
    ),
    path(
        "deliveries/<uuid:code>/uploaded/",
        views.delivery_uploaded,
        name="correspondence-delivery-uploaded",
    ),
    path("print/", views.print_queue, name="correspondence-print-queue"),
    path("print/<uuid:batch>/", views.print_batch, name="correspondence-print-batch"),
    path(
        "episodes/<uuid:code>/evaluation/",
        views.episode_evaluation,
        name="correspondence-episode-evaluation",
    ),
    path(
        "episodes/<uuid:code>/discharge/",
        views.episode_discharge,
        name="correspondence-episode-discharge",
    ),
]
