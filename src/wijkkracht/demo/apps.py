from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "wijkkracht.demo"
    verbose_name = "Demo"
