from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from monitoring.metrics import DriftCollector

        REGISTRY.register(DriftCollector())
