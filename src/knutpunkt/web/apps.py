from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "knutpunkt.web"
    label = "web"
    verbose_name = "Webb"
