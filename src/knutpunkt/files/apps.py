from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "knutpunkt.files"
    label = "files"
    verbose_name = "Filer"
