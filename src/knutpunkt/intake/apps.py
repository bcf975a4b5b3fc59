from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "knutpunkt.intake"
    label = "intake"
    verbose_name = "Registrering och postöppning"
