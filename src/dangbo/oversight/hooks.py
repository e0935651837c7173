"""What apps above oversight want to hear about an opinion (the portal mails the citizen
when their petition is answered) without oversight importing them: they register a
callback in their ``AppConfig.ready()``; it runs after the transaction commits, with the
opinion's id, so a rolled-back answer never sends a mail."""

from collections.abc import Callable
from functools import partial

from django.db import transaction

_ANSWERED: list[Callable[[int], None]] = []


def on_answered(callback: Callable[[int], None]) -> None:
    if callback not in _ANSWERED:
        _ANSWERED.append(callback)


def answered(opinion_id: int) -> None:
    for callback in _ANSWERED:
        transaction.on_commit(partial(callback, opinion_id))
