"""Read side of the registry: the tree and its statistics "as of" any date.

Today's subtree is one range on the path index; an earlier date walks the effective-dated
links with a recursive CTE. Counting is always one aggregate query, never a Python loop.
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.functions import Length

from dangbo.core import scope, search
from dangbo.core.dates import today
from dangbo.core.text import name_sort_key

from .choices import CELL_KINDS, OrgEventKind, OrgKind
from .models import Organisation, OrgEvent, OrgLink, PartnerBody, PartnerLead, valid_code
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
    """No link in the current subtree changed after ``as_of``: the path index answers. The
    subtree is a subquery, not two joins under an OR: PostgreSQL planned those as a nested
    loop over organisations × organisations (75 ms on the demo, per call) for ``exists()``."""
    subtree = Organisation.objects.filter(path__gte=org.path, path__lt=org.subtree_upper).values(
        "pk"
    )
    in_subtree = Q(child_id__in=subtree) | Q(parent_id__in=subtree)
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
    # With its superior: pages and pickers show it beside the name (names repeat).
    qs = Organisation.objects.select_related("parent").filter(code=code)
    return scope.restrict(qs, user, action).first()


def history(org: Organisation) -> list[OrgEvent]:
    """The organisation's life: founding, renames, moves, mergers, end; with the documents."""
    # Through the link tables' organisation index, as one UNION: an OR of two IN-subqueries
    # made PostgreSQL scan every event of the country (320,918 at national scale) per page.
    as_input = OrgEvent.inputs.through.objects.filter(organisation=org).values("orgevent_id")
    as_output = OrgEvent.outputs.through.objects.filter(organisation=org).values("orgevent_id")
    events = (
        OrgEvent.objects.filter(pk__in=as_input.union(as_output))
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


# ---- picking an organisation by name ------------------------------------------------------

PICK_LIMIT = 10
PICK_CANDIDATES = 400  # rows read for the Python ranking; the shortest names come first


class _Like(Func):
    """``name LIKE pattern`` (ILIKE on PostgreSQL): the accent-blind prefilter of ``picks``."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        op = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"({lhs} {op} {rhs})", [*lhs_params, *rhs_params]


def _blind(word: str) -> str:
    """A folded word as a LIKE pattern that any accented spelling matches: stored names are
    NFC, so each Vietnamese vowel (and đ) is one character, matched by ``_``."""
    return "%" + "".join("_" if ch in "aeiouyd" else ch for ch in word) + "%"


def named_like(qs, t: search.Terms):
    """``qs`` narrowed to names holding every typed word in some accented spelling: the
    database's share of ``core.search``'s rule (the exact rule follows in Python)."""
    for word in t.words:
        qs = qs.filter(_Like(F("name"), Value(_blind(word))))
    return qs


@dataclass(frozen=True)
class Pick:
    """One organisation offered by the type-ahead: ``label`` is what a person may type back
    to name it again (name and superior), ``detail`` its superior."""

    value: str
    name: str
    label: str
    detail: str


def pick_label(org: Organisation) -> str:
    return f"{org.name} ({org.parent.name})" if org.parent is not None else org.name


def candidates(
    user,
    text: str | None,
    action: scope.Permission = scope.VIEW,
    *,
    prefix: bool = True,
    cells_only: bool = False,
) -> list[Organisation]:
    """Organisations ``user`` may reach whose name matches ``text`` under ``core.search``'s
    rule, best first (then the shortest: the one the words say most of): one query (an
    accent-blind LIKE per word, then the exact rule in Python over the shortest names)."""
    t = search.terms(text, prefix=prefix)
    if t is None:
        return []
    qs = scope.restrict(Organisation.objects.select_related("parent"), user, action).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today())
    )
    if cells_only:
        qs = qs.filter(kind__in=CELL_KINDS)
    qs = named_like(qs, t)
    rows = [
        o
        for o in qs.order_by(Length("name"), "name", "id")[:PICK_CANDIDATES]
        if search.matches(t, o.name)
    ]
    # Within a rank, the shorter name matched more of itself: "kim lo" → the commune first.
    return sorted(
        rows, key=lambda o: (*search.rank(t, o.name), len(o.name), name_sort_key(o.name), o.pk)
    )


def picks(
    user,
    text: str | None,
    action: scope.Permission = scope.VIEW,
    *,
    cells_only: bool = False,
    limit: int = PICK_LIMIT,
) -> list[Pick]:
    return [
        Pick(
            value=o.code,
            name=o.name,
            label=pick_label(o),
            detail=o.parent.name if o.parent is not None else "",
        )
        for o in candidates(user, text, action, cells_only=cells_only)[:limit]
    ]


# ---- partner bodies (issue 14) ----------------------------------------------------------


def partners_led_by(org: Organisation, on: date, *, subtree: bool = True):
    """Partner bodies led on ``on`` by ``org`` (or, with ``subtree``, by any organisation in
    its subtree as it stood that day): one query."""
    where = subtree_filter(org, on, "org__") if subtree else Q(org=org)
    leads = PartnerLead.objects.filter(active_q(on)).filter(where).values("partner_id")
    return PartnerBody.objects.filter(pk__in=leads).filter(active_q(on)).order_by("name", "pk")


def partner_lead_on(partner, on: date):
    """The ``PartnerLead`` in force on ``on`` (with its organisation), or None."""
    return PartnerLead.objects.filter(active_q(on), partner=partner).select_related("org").first()


def partner_leads(partner) -> list:
    """The partner's leading organisations through time, earliest first."""
    return list(
        PartnerLead.objects.filter(partner=partner)
        .select_related("org", "document")
        .order_by("valid_from", "pk")
    )
