from django.urls import path

from liaison.care import views

urlpatterns = [
    path("patients/", views.patient_list, name="care-patient-list"),
    path("patients/<uuid:code>/", views.patient_detail, name="care-patient-detail"),
]
