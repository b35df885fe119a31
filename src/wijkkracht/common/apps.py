from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "wijkkracht.common"
    verbose_name = "Wijkkracht"
