from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PartnersConfig(AppConfig):
    name = "liaison.partners"
    label = "partners"

    def ready(self):
        from liaison.partners.services import specialties_sync_after_migrate

        # Reference rows every partner points to; recreated after a test flush as well.
        post_migrate.connect(
            specialties_sync_after_migrate, sender=self, dispatch_uid="liaison-specialties"
        )
