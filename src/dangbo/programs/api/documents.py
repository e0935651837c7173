"""The documents API of the programs app (issue 14)."""

from ninja import Router

router = Router(tags=["documents"])
