from django.urls import path

from liaison.reports import views

urlpatterns = [
    path("", views.queue, name="reports-queue"),
    path("drafts/", views.draft, name="reports-draft"),
    path("reports/<uuid:code>/", views.report_detail, name="reports-report"),
    path("reports/<uuid:code>/pdf/", views.report_pdf, name="reports-report-pdf"),
    path(
        "reports/<uuid:code>/redraft/",
        views.report_redraft_view,
        name="reports-report-redraft",
    ),
    path(
        "reports/<uuid:code>/addendum/",
        views.report_addendum,
        name="reports-report-addendum",
    ),
    path(
        "deliveries/<uuid:code>/retry/",
        views.delivery_retry,
        name="reports-delivery-retry",
    ),
    path(
        "deliveries/<uuid:code>/uploaded/",
        views.delivery_uploaded,
        name="reports-delivery-uploaded",
    ),
    path("print/", views.print_queue, name="reports-print-queue"),
    path("print/<uuid:batch>/", views.print_batch, name="reports-print-batch"),
    path(
        "episodes/<uuid:code>/evaluation/",
        views.episode_evaluation,
        name="reports-episode-evaluation",
    ),
    path(
        "episodes/<uuid:code>/discharge/",
        views.episode_discharge,
        name="reports-episode-discharge",
    ),
]
