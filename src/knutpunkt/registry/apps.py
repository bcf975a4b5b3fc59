from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "knutpunkt.registry"
    label = "registry"
    verbose_name = "Diarium"
