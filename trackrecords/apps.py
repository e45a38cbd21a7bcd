from django.apps import AppConfig


class TrackRecordsConfig(AppConfig):
    name = "trackrecords"
    verbose_name = "Track records: how earlier claims held up"
