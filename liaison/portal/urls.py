from django.urls import path

from liaison.portal import views

urlpatterns = [
    path("", views.home, name="portal-home"),
    path("sign-in/", views.sign_in, name="portal-sign-in"),
    path("sign-in/<str:token>/", views.link, name="portal-link"),
    path("sign-out/", views.sign_out, name="portal-sign-out"),
    path("referrals/new/", views.referral_new, name="portal-referral-new"),
    path("referrals/<uuid:code>/", views.referral_detail, name="portal-referral"),
    path("reports/<uuid:code>/pdf/", views.report_document, name="portal-report-pdf"),
    path("reports/<uuid:code>/answer/", views.answer, name="portal-answer"),
    path("invite/<uuid:code>/", views.invite, name="portal-invite"),
    path(
        "questions/<uuid:code>/answered/",
        views.question_handled_view,
        name="portal-question-handled",
    ),
]
