from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "liaison.reports"
    # The app's first name: its tables, migrations, content types and the permission
    # `correspondence.sign_report` keep it.
    label = "correspondence"
