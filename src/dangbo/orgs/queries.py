"""Read side of the registry: the tree and its statistics "as of" any date.

Today's subtree is one range on the path index; an earlier date walks the effective-dated
links with a recursive CTE. Counting is always one aggregate query, never a Python loop.
"""

from datetime import date

from django.db import connection
from django.db.models import Q

from dangbo.core import scope
from dangbo.core.dates import today

from .choices import OrgEventKind, OrgKind
from .models import Organisation, OrgEvent, OrgLink, valid_code
from .rules import DISTRICT_LEVEL_END, DISTRICT_WITHOUT_SUCCESSOR

KIND_RANK = {value: rank for rank, value in enumerate(OrgKind.values)}


def active_q(on: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


_SUBTREE_SQL = """
WITH RECURSIVE sub(id) AS (
    SELECT CAST(%s AS BIGINT)
    UNION
    SELECT l.child_id FROM orgs_orglink l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to >= %s)
)
SELECT id FROM sub
"""


_TOP_SQL = """
WITH RECURSIVE sub(id, top) AS (
    SELECT l.child_id, l.child_id FROM orgs_orglink l
    WHERE l.parent_id = %s AND l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to >= %s)
    UNION
    SELECT l.child_id, sub.top FROM orgs_orglink l JOIN sub ON l.parent_id = sub.id
    WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to >= %s)
)
SELECT id, top FROM sub
"""


def subtree_filter(org: Organisation, as_of: date, prefix: str = "") -> Q:
    """Q selecting ``org`` and its descendants as the tree stood on ``as_of``."""
    if as_of >= today() or _tree_unchanged_since(org, as_of):
        return org.subtree_q(prefix)
    with connection.cursor() as cur:
        cur.execute(_SUBTREE_SQL, [org.pk, as_of, as_of])
        ids = [row[0] for row in cur.fetchall()]
    return Q(**{f"{prefix}pk__in": ids}) if prefix == "" else Q(**{f"{prefix}id__in": ids})


def _tree_unchanged_since(org: Organisation, as_of: date) -> bool:
    """No link in the current subtree changed after ``as_of``: the path index answers."""
    in_subtree = Q(child__path__gte=org.path, child__path__lt=org.subtree_upper) | Q(
        parent__path__gte=org.path, parent__path__lt=org.subtree_upper
    )
    return (
        not OrgLink.objects.filter(
            Q(valid_from__gt=as_of) | Q(valid_to__gte=as_of, valid_to__isnull=False),
        )
        .filter(in_subtree)
        .exists()
    )


def parent_on(org: Organisation, on: date) -> Organisation | None:
    link = OrgLink.objects.filter(active_q(on), child=org).select_related("parent").first()
    return link.parent if link else None


def _ended_districts(org: Organisation, as_of: date) -> list[dict]:
    """Rule 5's other half: district committees ended by the reform with no successor.
    An ended organisation keeps its last place in the tree, so today's path range finds the
    districts that stood under ``org`` (no replay of every link of the country)."""
    if as_of <= DISTRICT_LEVEL_END:
        return []
    ended = Organisation.objects.filter(
        org.subtree_q(), kind=OrgKind.DISTRICT_COMMITTEE, valid_to=DISTRICT_LEVEL_END
    )
    with_successor = set(
        OrgEvent.objects.filter(inputs__in=ended, outputs__isnull=False).values_list(
            "inputs", flat=True
        )
    )
    return [
        {"org": o, "rule": 5, "message": DISTRICT_WITHOUT_SUCCESSOR}
        for o in ended
        if o.pk not in with_successor
    ]


def org_by_code(user, code: str | None, action: scope.Permission) -> Organisation | None:
    """An organisation named by its code, if ``user`` may ``action`` it; None otherwise (an
    unknown code and one out of scope look the same)."""
    code = (code or "").strip().lower()
    if not valid_code(code):
        return None
    return scope.restrict(Organisation.objects.filter(code=code), user, action).first()


def history(org: Organisation) -> list[OrgEvent]:
    """The organisation's life: founding, renames, moves, mergers, end; with the documents."""
    # Through the link tables' organisation index: an OR over two joins with DISTINCT made
    # the database read every event of the country.
    as_input = OrgEvent.inputs.through.objects.filter(organisation=org).values("orgevent_id")
    as_output = OrgEvent.outputs.through.objects.filter(organisation=org).values("orgevent_id")
    events = (
        OrgEvent.objects.filter(Q(pk__in=as_input) | Q(pk__in=as_output))
        .select_related("document")
        .prefetch_related("inputs", "outputs")
        .order_by("effective_date", "id")
    )
    return list(events)


def ancestors(org: Organisation) -> list[Organisation]:
    ids = [int(p) for p in org.path.split(".") if p][:-1]
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def names_on(orgs: list[Organisation], on: date) -> dict[int, str]:
    """Each organisation's name on a date, from its rename events, in one query: the old name
    of the first rename after ``on``, else the current name."""
    names = {o.pk: o.name for o in orgs}
    if on >= today() or not orgs:
        return names
    later = (
        OrgEvent.objects.filter(kind=OrgEventKind.RENAME, effective_date__gt=on, inputs__in=orgs)
        .order_by("-effective_date", "-id")
        .values_list("inputs", "data")
    )
    for org_id, data in later:  # latest first, so the earliest rename wins
        names[org_id] = data.get("old_name", names[org_id])
    return names


def name_on(org: Organisation, on: date) -> str:
    return names_on([org], on)[org.pk]


__all__ = [
    "active_q",
    "ancestors",
    "name_on",
    "names_on",
    "parent_on",
    "subtree_filter",
]
