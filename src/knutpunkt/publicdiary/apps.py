from django.apps import AppConfig


class PublicDiaryConfig(AppConfig):
    name = "knutpunkt.publicdiary"
    label = "publicdiary"
    verbose_name = "Diariet på webben"
