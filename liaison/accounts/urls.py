from django.contrib.auth import views as auth_views
from django.urls import path

from liaison.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="accounts-login"),
    path("login/code/", views.two_factor_verify, name="accounts-two-factor"),
    path("two-factor/", views.two_factor_setup, name="accounts-two-factor-setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
]
