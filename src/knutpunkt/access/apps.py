from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "knutpunkt.access"
    label = "access"
    verbose_name = "Åtkomst och sekretess"
