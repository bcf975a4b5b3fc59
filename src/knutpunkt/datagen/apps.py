from django.apps import AppConfig


class DatagenConfig(AppConfig):
    name = "knutpunkt.datagen"
    label = "datagen"
    verbose_name = "Syntetiska data"
