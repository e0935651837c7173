"""django-ninja names an OpenAPI component after its class: two schemas of one name in two
apps silently share one component, and one app's answers are then validated (and documented)
against the other's fields. Every schema class of the API has a name of its own."""

from collections import defaultdict

from ninja import Schema

import dangbo.api  # noqa: F401 - loads every router and its schemas


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_schema_name_is_unique():
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("dangbo."):
            modules[cls.__name__].add(cls.__module__)
    shared = {name: sorted(mods) for name, mods in modules.items() if len(mods) > 1}
    assert not shared, f"rename one of each: {shared}"
