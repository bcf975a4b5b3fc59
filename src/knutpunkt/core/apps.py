from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "knutpunkt.core"
    label = "core"
    verbose_name = "Kärna"
