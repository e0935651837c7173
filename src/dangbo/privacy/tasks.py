"""The retention run in the background: ``dangbo serve`` (with its worker) and
``dangbo worker`` start ``start_daily_thread``, which runs the retention steps once a day —
when no real run is recorded in the last day — so that an office with no cron still erases
what is due. An operator may also schedule ``dangbo retention`` (cron, a systemd timer; see
docs/operations.md) or enqueue ``run_retention_task``; runs are idempotent, so two of them
on one day cost a query each and change nothing more."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone
from django_tasks import task

from . import services
from .models import RetentionRun

log = logging.getLogger(__name__)

EVERY = timedelta(days=1)
CHECK_SECONDS = 3600
FIRST_CHECK_SECONDS = 120  # after start-up, when the server has settled


@task()
def run_retention_task(dry_run: bool = False) -> dict:
    run = services.run_retention(actor=None, dry_run=dry_run)
    return {"run": run.pk, "counts": run.counts, "failures": run.failures}


def run_if_due(now=None) -> RetentionRun | None:
    """Run the retention steps unless a real run is recorded within the last day."""
    now = now or timezone.now()
    if RetentionRun.objects.filter(dry_run=False, at__gt=now - EVERY).exists():
        return None
    return services.run_retention(actor=None, now=now)


def start_daily_thread() -> threading.Thread:
    def loop() -> None:
        time.sleep(FIRST_CHECK_SECONDS)
        while True:
            try:
                close_old_connections()
                run = run_if_due()
                if run is not None:
                    log.info("retention: %s records", run.total)
            except Exception:  # noqa: BLE001 - a failed day is logged and tried again later
                log.exception("retention: run failed")
            finally:
                close_old_connections()
            time.sleep(CHECK_SECONDS)

    thread = threading.Thread(target=loop, name="dangbo-retention", daemon=True)
    thread.start()
    return thread
