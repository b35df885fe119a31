from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "wijkkracht.common"
    verbose_name = "Wijkkracht"

    def ready(self) -> None:
        from wijkkracht.common import converters  # noqa: F401  (registers the `id` path converter)
