from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "knutpunkt.classification"
    label = "classification"
    verbose_name = "Klassificering och gallring"
