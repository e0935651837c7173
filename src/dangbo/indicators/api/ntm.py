"""The ntm API of the indicators app (issue 14)."""

from ninja import Router

router = Router(tags=["ntm"])
