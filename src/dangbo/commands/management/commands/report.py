"""``dangbo report ORG --year Y [--quarter Q] [--kind K] [--format text|docx|pdf|xlsx] [-o FILE]``."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Lập báo cáo của một tổ chức đảng cho một năm (hoặc một quý)."

    def handle(self, *args, **options):
        raise CommandError("Chưa có.")
