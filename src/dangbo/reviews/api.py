"""API router for reviews (being written)."""

from ninja import Router

router = Router(tags=["reviews"])
