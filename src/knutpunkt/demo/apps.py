from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "knutpunkt.demo"
    label = "demo"
    verbose_name = "Demo"
