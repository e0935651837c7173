"""The background worker for big imports. The task itself (``services.run_import``) lives
with the workflow it runs; it is re-exported here because queued rows name it by this path."""

import logging
import threading
import time

from .services import (
    process_identity,
    recover,
    run_import,  # noqa: F401 - the path older queued tasks name
)

logger = logging.getLogger(__name__)


def start_worker_thread() -> threading.Thread:
    """The task worker inside ``dangbo serve``: one box, one command, big imports still run
    in the background. A separate ``dangbo worker`` process does the same for larger sites."""
    from django_tasks.base import DEFAULT_TASK_QUEUE_NAME
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=process_identity(),  # so that a later start can tell it died
        excluded_queue_names=[],
    )

    def run_forever() -> None:
        # A database hiccup must not silently end background work for the server's life.
        while True:
            try:
                worker.run()
                return
            except Exception:
                logger.exception("Việc nền: lỗi, chạy lại sau 5 giây")
                time.sleep(5)

    thread = threading.Thread(target=run_forever, name="dangbo-worker", daemon=True)
    thread.start()
    return thread


def recover_interrupted() -> list[int]:
    """Run at start-up (``dangbo serve``, ``dangbo worker``): jobs and task rows left
    "running" by a process that is gone are marked interrupted / failed."""
    return recover()  # the command says how many
