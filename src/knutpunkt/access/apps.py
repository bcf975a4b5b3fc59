from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "knutpunkt.access"
    label = "access"
    verbose_name = "Åtkomst och sekretess"

    def ready(self):
        # Sign-in auditing hooks into Django's auth signals: that is the one place every
        # sign-in path (web form, admin, API session) passes through.
        from . import signin  # noqa: F401
