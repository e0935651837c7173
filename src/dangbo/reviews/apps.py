from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "dangbo.reviews"
    label = "reviews"
    verbose_name = "Kiểm điểm, đánh giá, xếp loại"

    def ready(self) -> None:
        # This app's charts (core.charts).
        from . import charts

        charts.register()
