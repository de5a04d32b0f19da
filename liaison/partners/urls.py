from django.urls import path

from liaison.partners import views

urlpatterns = [
    path("", views.directory, name="partners-directory"),
    path("export.csv", views.directory_export, name="partners-export"),
    path("search/", views.search, name="partners-search"),
    path("board/", views.board, name="partners-board"),
    path("new/", views.new, name="partners-new"),
    path("plans/<uuid:code>/cancel/", views.plan_cancel, name="partners-plan-cancel"),
    path("<uuid:code>/", views.detail, name="partners-detail"),
    path("<uuid:code>/edit/", views.edit, name="partners-edit"),
    path("<uuid:code>/stage/", views.stage_set, name="partners-stage"),
    path("<uuid:code>/cadence/", views.cadence_set, name="partners-cadence"),
    path("<uuid:code>/touchpoints/new/", views.touchpoint_new, name="partners-touchpoint-new"),
    path("<uuid:code>/touchpoints.csv", views.touchpoint_export, name="partners-touchpoint-export"),
    path("<uuid:code>/plans/new/", views.plan_new, name="partners-plan-new"),
    path("<uuid:code>/notes/new/", views.note_new, name="partners-note-new"),
    path("<uuid:code>/merge/", views.merge, name="partners-merge"),
]
