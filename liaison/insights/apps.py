from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class InsightsConfig(AppConfig):
    name = "liaison.insights"
    label = "insights"

    def ready(self):
        from liaison.insights.facts import after_migrate, before_migrate

        # The per-patient facts' triggers are down while migrations rebuild tables (facts.py).
        pre_migrate.connect(before_migrate, dispatch_uid="liaison-insights-facts-down")
        post_migrate.connect(after_migrate, dispatch_uid="liaison-insights-facts-up")
