import time

from django.contrib.auth import views as auth_views

from liaison.accounts.forms import ThrottledLoginForm
from liaison.accounts.middleware import LOGIN_AT_KEY


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[LOGIN_AT_KEY] = time.time()
        return response
