from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "extraction"
    verbose_name = "Extraction: new claims from an article"

    def ready(self) -> None:
        # Extractions run as jobs of the coverage machinery (a row with a lease, the
        # task, retries, the sweeper); that floor cannot import this one, so this app
        # hands it the step for its kind of job.
        from corroboration import pipeline
        from corroboration.models import JobKind
        from extraction.jobs import read_article

        pipeline.register(JobKind.EXTRACT_CLAIMS, read_article)
