from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "liaison.portal"
    verbose_name = "Referrer portal"
