from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "knutpunkt.api"
    label = "api"
    verbose_name = "API"
