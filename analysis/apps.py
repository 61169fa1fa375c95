from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"

    def ready(self) -> None:
        from prometheus_client import REGISTRY

        from analysis.metrics import AnalysisQueueCollector, ModelStatusCollector

        REGISTRY.register(AnalysisQueueCollector())
        REGISTRY.register(ModelStatusCollector())
