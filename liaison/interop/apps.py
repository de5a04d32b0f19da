from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "liaison.interop"
    label = "interop"
