from django.urls import path

from liaison.care import views

urlpatterns = [
    path("patients/", views.patient_list, name="care-patient-list"),
    path("patients/export.csv", views.patient_export, name="care-patient-export"),
    path("patients/<uuid:code>/", views.patient_detail, name="care-patient-detail"),
    path("referrals/", views.referral_list, name="care-referral-list"),
    path("referrals/export.csv", views.referral_export, name="care-referral-export"),
    path("referrals/new/", views.referral_new, name="care-referral-new"),
    path("referrals/<uuid:code>/", views.referral_detail, name="care-referral-detail"),
    path("referrals/<uuid:code>/accept/", views.referral_accept, name="care-referral-accept"),
    path("referrals/<uuid:code>/decline/", views.referral_decline, name="care-referral-decline"),
    path(
        "referrals/<uuid:code>/alternatives/",
        views.referral_alternatives,
        name="care-referral-alternatives",
    ),
    path("referrals/<uuid:code>/schedule/", views.referral_schedule, name="care-referral-schedule"),
    path(
        "referrals/<uuid:code>/first-visit/",
        views.referral_first_visit,
        name="care-referral-first-visit",
    ),
    path("episodes/<uuid:code>/", views.episode_detail, name="care-episode-detail"),
    path("episodes/<uuid:code>/visits/", views.episode_visit_add, name="care-episode-visit-add"),
    path(
        "episodes/<uuid:code>/outcomes/<str:instrument>/",
        views.outcome_new,
        name="care-outcome-new",
    ),
    path(
        "episodes/<uuid:code>/outcomes/<str:instrument>/preview/",
        views.outcome_preview,
        name="care-outcome-preview",
    ),
    path("clinicians/to-match/", views.clinicians_to_match, name="care-clinicians-to-match"),
    path("marketing-spend/", views.spend_list, name="care-marketing-spend-list"),
    path("marketing-spend/export.csv", views.spend_export, name="care-marketing-spend-export"),
    path("marketing-spend/new/", views.spend_new, name="care-marketing-spend-new"),
    path("marketing-spend/<uuid:code>/", views.spend_edit, name="care-marketing-spend-edit"),
    path(
        "marketing-spend/<uuid:code>/delete/",
        views.spend_delete,
        name="care-marketing-spend-delete",
    ),
]
