"""Blocks that apps higher up add to an organisation's statistics (the stats API and page),
without a backwards import: registry sits below programs and indicators, so they register
their block in their ``AppConfig.ready``::

    stats_blocks.register("programs", programs_stats)

A block is ``function(org, as_of) -> dict``, a bounded number of queries. ``dangbo stats``
(the commands layer, above every app) imports the same functions directly.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

Block = Callable[[Any, date], dict[str, Any]]

_blocks: dict[str, Block] = {}


def register(name: str, block: Block) -> None:
    _blocks[name] = block


def collect(org: Any, as_of: date) -> dict[str, dict[str, Any]]:
    """Every registered block for ``org`` as of ``as_of``, by name, in registration order."""
    return {name: block(org, as_of) for name, block in _blocks.items()}
