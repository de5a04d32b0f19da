from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self):
        from liaison.accounts.roles import sync_roles_after_migrate

        # After every migrate (and test flush): groups need the permissions migrate creates.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="liaison-sync-roles")
