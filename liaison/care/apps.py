from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "liaison.care"
    label = "care"
