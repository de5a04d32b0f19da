from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "liaison.correspondence"
    label = "correspondence"
