"""Every page of the URL conf × every role × an object in scope (Tam Dương) and one out of
scope (Vĩnh Tường): allowed → the page (200, or its documented redirect); not allowed → 404,
as if the object did not exist (dangbo's web rule: out of scope is 404, never 403);
anonymous → the login page (the public portal's pages answer everyone, anonymous
included). A POST by a role that may not act writes nothing.

``PAGES`` is checked against the resolver (``test_every_page_is_in_the_matrix``): a new page
without an entry fails until it is added here. Operation pages (``…:action`` and the like)
have one entry per operation their app declares, checked the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangbo.core import charts
from dangbo.members.views import MEMBER_ACTIONS
from dangbo.orgs.rules import operation_allowed
from dangbo.oversight.services import TRANSITIONS
from dangbo.privacy.views import BREACH_OPS, REQUEST_OPS
from dangbo.registry.views import OP_RULES, ORG_ACTIONS
from dangbo.reports.services import FORMATS as REPORT_FORMATS
from dangbo.reviews.permissions import OPS as EVALUATION_OPS
from tests.matrix_support import (
    ANONYMOUS,
    ANYWHERE,
    AUDIT,
    CHANGE,
    EXPORT,
    IN,
    INDICATOR_CODE,
    MANAGE_USERS,
    MEETINGS,
    NTM_YEAR,
    OUT,
    OVERSEE,
    REPORT_KIND,
    REPORT_YEAR,
    ROLES,
    VIEW,
    Matrix,
    Rule,
    anyone,
    anywhere,
    both,
    either,
    has_any,
    job_owner,
    matrix_fixture,
    on,
    own_record,
    run_owner,
    written,
)

pytestmark = pytest.mark.django_db

matrix = matrix_fixture()

# Not pages of dangbo's own: Django's admin (switched off by a setting), the API (its own
# matrix: tests/api/test_operation_matrix.py), the login and logout pages.
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_NAMES = {"login", "logout"}
SKIPPED_PREFIXES = ("static/", "api/v1/", "quan-tri/")

BOTH = (IN, OUT)


@dataclass(frozen=True)
class Page:
    """How to reach one page for a side, who may GET it and who may POST to it."""

    get: Rule | None  # None: the page answers POST only
    args: Callable[[Matrix, str], list] = lambda m, side: []
    query: Callable[[Matrix, str], dict] = lambda m, side: {}
    post: Rule | None = None  # None: no POST form
    sides: tuple[str, ...] = BOTH
    ok: int = 200  # the allowed GET's answer (302: the page sends back to its object)
    # Who is refused by the page's form (400: the organisation named in the query is not
    # found, the answer for one that does not exist) rather than 404.
    form_refuses: Rule | None = None
    public: bool = False  # the public portal: no login, anonymous visitors get the page too


def thing(kind: str, attr: str = "pk") -> Callable[[Matrix, str], list]:
    return lambda m, side: [getattr(m.thing(kind, side), attr)]


def query(name: str, inside: str, outside: str) -> Callable[[Matrix, str], dict]:
    return lambda m, side: {name: {IN: inside, OUT: outside}[side]}


def args_with(kind: str, op: str) -> Callable[[Matrix, str], list]:
    return lambda m, side: [m.thing(kind, side).pk, op]


ORG = thing("org", "code")
CELL_VIEW = on(VIEW, "kl-thon-1", "vt-thon")
CELL_CHANGE = on(CHANGE, "kl-thon-1", "vt-thon")
CELL_MEETINGS = on(MEETINGS, "kl-thon-1", "vt-thon")
DISTRICT_VIEW = on(VIEW, "tam-duong", "vinh-tuong")
DISTRICT_CHANGE = on(CHANGE, "tam-duong", "vinh-tuong")
COMMUNE_CHANGE = on(CHANGE, "kim-long", "vt-xa")
# A review cycle of the commune: its subtree's viewers take part (the cell's secretary too),
# and so does a member reviewed in it.
CYCLE_VIEW = either(on(VIEW, ("kim-long", "kl-thon-1"), ("vt-xa", "vt-thon")), own_record)
DISTRICT_QUERY = query("to-chuc", "tam-duong", "vinh-tuong")


def linked_member(role: str, side: str) -> bool:
    """Pages of one's own member record ("Trang của tôi", "Ý kiến của tôi"): the login
    linked to a member (huong, the "member" role); no object, so no side."""
    return role == "member"


def _ops(registry, make: Callable[[str], Page], name: str) -> dict[str, Page]:
    """One entry per operation. Member and organisation operations share one gate (CHANGE
    on the object), so they come from the app's own table; opinion and evaluation operations
    each have their side, written below, and the coverage test compares them to the app's."""
    return {f"{name}[{op}]": make(op) for op in registry}


# The opinion in scope is received by Tam Dương's committee and assigned to Kim Long (out of
# scope: Vĩnh Tường's, assigned to vt-xa). The committee that received it steers (OVERSEE),
# the organisation it was assigned to handles (CHANGE); an operation its state does not allow
# is open to either side (the service then says why).
OPINION_OWNER = on(OVERSEE, "tam-duong", "vinh-tuong")
OPINION_HANDLER = on(CHANGE, "kim-long", "vt-xa")
OPINION_SIDE = {
    "assign": OPINION_OWNER,
    "start": OPINION_HANDLER,
    "answer": OPINION_HANDLER,
    "return": OPINION_HANDLER,
    "escalate": OPINION_HANDLER,
    "reopen": either(OPINION_OWNER, OPINION_HANDLER),
    "close": either(OPINION_OWNER, OPINION_HANDLER),
}
# The evaluation in scope is huong's (kl-thon-1) in Kim Long's cycle, self-assessed: her cell
# proposes (MEETINGS on the cell), the competent body (the commune) returns and decides.
EVALUATION_SIDE = {
    "propose": CELL_MEETINGS,
    "return": COMMUNE_CHANGE,
    "decide": COMMUNE_CHANGE,
}


def _opinion_op(op: str) -> Page:
    return Page(OPINION_SIDE[op], args_with("opinion", op), post=OPINION_SIDE[op], ok=302)


def _evaluation_op(op: str) -> Page:
    return Page(EVALUATION_SIDE[op], args_with("evaluation", op), post=EVALUATION_SIDE[op], ok=302)


def _member_op(op: str) -> Page:
    return Page(CELL_CHANGE, args_with("member", op), post=CELL_CHANGE)


def _org_op(op: str) -> Page:
    """At the village cell, or at the commune for what a village cell does not offer
    (founding subordinates, splitting: ``orgs.rules.operation_allowed``)."""
    if operation_allowed(OP_RULES[op], "sub_cell", "village"):
        return Page(CELL_CHANGE, lambda m, side: [m.thing("org", side).code, op], post=CELL_CHANGE)
    commune = {IN: "kim-long", OUT: "vt-xa"}
    return Page(COMMUNE_CHANGE, lambda m, side: [commune[side], op], post=COMMUNE_CHANGE)


# Issue 14. A program of the district (Tam Dương / Vĩnh Tường) with a task led by the commune
# (Kim Long / vt-xa): the program's committee edits (CHANGE on the district), the lead
# organisation reports; both see the task. Documents are one register read by any viewer,
# changed by the issuing body. Indicators are read and entered per organisation (?to-chuc=).
PROGRAM_VIEW = on(VIEW, ("tam-duong", "kim-long"), ("vinh-tuong", "vt-xa"))
PROGRAM_CHANGE = DISTRICT_CHANGE
TASK_REPORT = on(CHANGE, ("tam-duong", "kim-long"), ("vinh-tuong", "vt-xa"))
COMMUNE_VIEW = on(VIEW, "kim-long", "vt-xa")
COMMUNE_QUERY = query("to-chuc", "kim-long", "vt-xa")
READER = anywhere(VIEW)


def defines_indicators(role: str, side: str) -> bool:
    """Staff (CHANGE) of a committee above the grassroots: the district's staff and admin,
    the outsider (Vĩnh Tường's staff); not the commune's staff."""
    return role in ("root", "admin", "staff", "outsider")


def exports_program(role: str, side: str) -> bool:
    return has_any(role, EXPORT) and PROGRAM_VIEW(role, side)


def with_file(kind: str, file_kind: str) -> Callable[[Matrix, str], list]:
    return lambda m, side: [m.thing(kind, side).pk, m.thing(file_kind, side).pk]


DIRECTION_PAGES: dict[str, Page] = {
    "home:direction": Page(READER, sides=(ANYWHERE,)),
    # -- the document register
    "documents:list": Page(READER, sides=(ANYWHERE,)),
    "documents:pick": Page(anyone, query=lambda m, side: {"q": "64"}, sides=(ANYWHERE,)),
    "documents:create": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "documents:detail": Page(READER, thing("document")),
    "documents:edit": Page(DISTRICT_CHANGE, thing("document"), post=DISTRICT_CHANGE),
    "documents:attach": Page(DISTRICT_CHANGE, thing("document"), post=DISTRICT_CHANGE),
    "documents:file": Page(READER, with_file("document", "document_file")),
    # -- programs and tasks
    "programs:list": Page(READER, sides=(ANYWHERE,)),
    "programs:create": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "programs:detail": Page(PROGRAM_VIEW, thing("program")),
    "programs:edit": Page(PROGRAM_CHANGE, thing("program"), post=PROGRAM_CHANGE),
    "programs:task_add": Page(PROGRAM_CHANGE, thing("program"), post=PROGRAM_CHANGE),
    "programs:task": Page(PROGRAM_VIEW, thing("task")),
    "programs:task_edit": Page(PROGRAM_CHANGE, thing("task"), post=PROGRAM_CHANGE),
    # Reporting progress: the form is on the task's page; this address answers POST only.
    "programs:report": Page(None, thing("task"), post=TASK_REPORT),
    "programs:task_remove": Page(None, thing("task"), post=PROGRAM_CHANGE),
    "programs:evidence": Page(PROGRAM_VIEW, with_file("task", "evidence")),
    # -- partner bodies (led by the district) and who answers for what
    "programs:partners": Page(READER, sides=(ANYWHERE,)),
    "programs:partner_create": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "programs:partner": Page(DISTRICT_VIEW, thing("partner", "code")),
    "programs:partner_edit": Page(DISTRICT_CHANGE, thing("partner", "code"), post=DISTRICT_CHANGE),
    "programs:responsibility": Page(COMMUNE_VIEW, query=COMMUNE_QUERY),
    "programs:person_tasks": Page(either(CELL_VIEW, own_record), thing("member")),
    "programs:matrix": Page(PROGRAM_VIEW, thing("program")),
    "programs:matrix_xlsx": Page(exports_program, thing("program")),
    # -- indicators (one definition, read for the side's commune / district)
    "indicators:list": Page(COMMUNE_VIEW, query=COMMUNE_QUERY),
    "indicators:detail": Page(COMMUNE_VIEW, lambda m, side: [INDICATOR_CODE], query=COMMUNE_QUERY),
    "indicators:create": Page(defines_indicators, sides=(ANYWHERE,), post=defines_indicators),
    "indicators:enter": Page(COMMUNE_CHANGE, query=COMMUNE_QUERY, post=COMMUNE_CHANGE),
    "indicators:targets": Page(DISTRICT_CHANGE, query=DISTRICT_QUERY, post=DISTRICT_CHANGE),
    # -- the new-rural standard (the commune's assessment and recognition)
    "indicators:ntm_board": Page(DISTRICT_VIEW, query=DISTRICT_QUERY),
    "indicators:ntm_sets": Page(READER, sides=(ANYWHERE,)),
    "indicators:ntm_assess": Page(
        COMMUNE_CHANGE,
        lambda m, side: [{IN: "kim-long", OUT: "vt-xa"}[side], NTM_YEAR],
        post=COMMUNE_CHANGE,
    ),
    "indicators:ntm_recognise": Page(
        COMMUNE_CHANGE, lambda m, side: [{IN: "kim-long", OUT: "vt-xa"}[side]], post=COMMUNE_CHANGE
    ),
    "indicators:ntm_revoke": Page(COMMUNE_CHANGE, thing("recognition"), post=COMMUNE_CHANGE),
}


# Issue 15: the "Báo cáo" pages. The report is named by its query (kind, organisation, year):
# the district's (Tam Dương / Vĩnh Tường) statistical tables of 2016, read by its viewers,
# issued by its staff. Issued reports are read by whoever sees the organisation; a
# background run is followed by the one who started it only.
def report_query(m: Matrix, side: str) -> dict:
    district = {IN: "tam-duong", OUT: "vinh-tuong"}[side]
    return {"loai": REPORT_KIND, "to_chuc": district, "nam": REPORT_YEAR}


def report_format(fmt: str) -> Page:
    return Page(DISTRICT_VIEW, lambda m, side: [fmt], query=report_query)


def runs_the_tree(role: str, side: str) -> bool:
    return role == "root"


def _chart(name: str) -> Page:
    """A chart's picture (core.charts) of the district's figures: its provider answers None
    (404) when the viewer does not see the organisation."""

    def params(m: Matrix, side: str) -> dict:
        found = {"org": {IN: "tam-duong", OUT: "vinh-tuong"}[side], "year": REPORT_YEAR}
        if name == "indicators.targets":
            found["indicator"] = INDICATOR_CODE
        return found

    return Page(DISTRICT_VIEW, lambda m, side: [name, "svg"], query=params)


REPORT_PAGES: dict[str, Page] = {
    **{f"core:chart[{name}]": _chart(name) for name in charts.names()},
    "reports:index": Page(READER, sides=(ANYWHERE,)),
    # The chooser with a report chosen: an organisation out of scope is refused by the form
    # (400, "not found": the answer for an organisation that does not exist) to one who
    # may read reports at all.
    "reports:index[report]": Page(DISTRICT_VIEW, query=report_query, form_refuses=READER),
    **{f"reports:download[{fmt}]": report_format(fmt) for fmt in REPORT_FORMATS},
    "reports:issue": Page(None, query=report_query, post=DISTRICT_CHANGE),
    "reports:issued": Page(READER, sides=(ANYWHERE,)),
    "reports:issued_detail": Page(DISTRICT_VIEW, thing("issued")),
    # "Thay đổi từ khi ban hành": the report rebuilt today and compared.
    "reports:issued_detail[changes]": Page(
        DISTRICT_VIEW, thing("issued"), query=lambda m, side: {"so-sanh": "1"}
    ),
    "reports:issued_file": Page(DISTRICT_VIEW, with_file("issued", "issued_file")),
    # A POST starts a run of the report it names (the apps' suite posts real ones).
    "reports:runs": Page(READER, sides=(ANYWHERE,), post=READER),
    "reports:run": Page(run_owner, thing("run")),
    "reports:run_progress": Page(run_owner, thing("run")),
    "reports:run_file": Page(run_owner, thing("run")),
    # The phrases are every report's: edited by those who run the top of the tree (no grant
    # of the world reaches "central"): root alone (reports.prose.can_edit).
    "reports:phrases": Page(runs_the_tree, sides=(ANYWHERE,)),
    "reports:phrase_edit": Page(
        runs_the_tree, thing("phrase"), sides=(ANYWHERE,), post=runs_the_tree
    ),
    "reports:phrase_reset": Page(None, thing("phrase"), sides=(ANYWHERE,), post=runs_the_tree),
}

# Personal data. A member's consent and request are handled by their grassroots organisation
# (huong's: Kim Long; tien's: vt-xa): CHANGE there reads and acts. A breach is the district's
# (Tam Dương / Vĩnh Tường): AUDIT reads it, AUDIT and CHANGE both act on it. An operation
# page answers POST; a GET sends back to its object (302).
BREACH_READ = on(AUDIT, "tam-duong", "vinh-tuong")
BREACH_ACT = both(BREACH_READ, DISTRICT_CHANGE)


def _request_op(op: str) -> Page:
    return Page(COMMUNE_CHANGE, args_with("data_request", op), post=COMMUNE_CHANGE, ok=302)


def _breach_op(op: str) -> Page:
    return Page(BREACH_ACT, args_with("breach", op), post=BREACH_ACT, ok=302)


PRIVACY_PAGES: dict[str, Page] = {
    "privacy:index": Page(either(anywhere(CHANGE), anywhere(AUDIT)), sides=(ANYWHERE,)),
    "privacy:register": Page(READER, sides=(ANYWHERE,)),
    "privacy:requests": Page(anywhere(CHANGE), sides=(ANYWHERE,)),
    # For an organisation picked among those the user may change.
    "privacy:request_create": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "privacy:request": Page(COMMUNE_CHANGE, thing("data_request")),
    **_ops(REQUEST_OPS, _request_op, "privacy:request_action"),
    "privacy:consents": Page(anywhere(CHANGE), sides=(ANYWHERE,)),
    "privacy:consent_withdraw": Page(COMMUNE_CHANGE, thing("consent"), post=COMMUNE_CHANGE, ok=302),
    # The log, and its form to record a breach (for one who may also act: AUDIT and CHANGE).
    "privacy:breaches": Page(
        anywhere(AUDIT), sides=(ANYWHERE,), post=both(anywhere(AUDIT), anywhere(CHANGE))
    ),
    "privacy:breach": Page(BREACH_READ, thing("breach")),
    **_ops(BREACH_OPS, _breach_op, "privacy:breach_action"),
    # "Trang của tôi" › data: the linked member's own consents (huong's) and requests.
    "privacy:mine": Page(linked_member, sides=(ANYWHERE,), post=linked_member),
    "privacy:mine_withdraw": Page(own_record, thing("consent"), post=own_record, ok=302),
}


# The newsroom: staff (CHANGE somewhere) see its lists; an article (with its picture and its
# comments) is its district's (Tam Dương / Vĩnh Tường), changed by those who change that
# district. A new article is the portal's (Tam Dương's): the service refuses the others with
# CHANGE elsewhere (403, tests/portal/test_matrix.py). A petition is acted on by the district
# that received it (its commune's staff see it: the service refuses them, 403). Operations
# answer POST only; a refused state is a message on the article (302).
ARTICLE_CHANGE = DISTRICT_CHANGE
# The operations of ``newsroom:article_action`` (the view dispatches on the slug: no table).
ARTICLE_ACTIONS = ("trinh", "dang", "tra-lai", "go", "them-anh")


def picture(m: Matrix, side: str) -> list:
    image = m.thing("placed", side).image
    return [image.token, image.widths[0]]


NEWSROOM_PAGES: dict[str, Page] = {
    "newsroom:index": Page(anywhere(CHANGE), sides=(ANYWHERE,)),
    "newsroom:article_create": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "newsroom:article": Page(ARTICLE_CHANGE, thing("article")),
    "newsroom:article_edit": Page(ARTICLE_CHANGE, thing("article"), post=ARTICLE_CHANGE),
    **{
        f"newsroom:article_action[{op}]": Page(None, args_with("article", op), post=ARTICLE_CHANGE)
        for op in ARTICLE_ACTIONS
    },
    "newsroom:image_remove": Page(None, thing("placed"), post=ARTICLE_CHANGE),
    "newsroom:image": Page(ARTICLE_CHANGE, picture),
    "newsroom:comments": Page(anywhere(CHANGE), sides=(ANYWHERE,)),
    "newsroom:comment": Page(ARTICLE_CHANGE, thing("comment"), post=ARTICLE_CHANGE),
    "newsroom:petition_publish": Page(None, thing("petition"), post=DISTRICT_CHANGE),
}


def public(*args, **kwargs) -> Page:
    """A page of the public portal: everyone, anonymous included, reads it. Its forms
    (comment, petition, status, data request) have their own suite (tests/portal/)."""
    return Page(anyone, *args, sides=(ANYWHERE,), public=True, **kwargs)


PORTAL_PAGES: dict[str, Page] = {
    "portal:home": public(),
    "portal:category": public(lambda m, side: [m.thing("article", IN).category.slug]),
    "portal:tag": public(lambda m, side: [m.thing("article", IN).tags.get().slug]),
    "portal:search": public(query=lambda m, side: {"q": "so ket"}),
    # Tam Dương's published article, and (below) its picture.
    "portal:article": public(lambda m, side: [m.thing("article", IN).slug]),
    "portal:petition": public(),
    "portal:status": public(),
    "portal:answers": public(),
    "portal:data_request": public(),
    "portal:image": public(lambda m, side: picture(m, IN)),
    "portal:feed": public(),
    "portal:sitemap": public(),
}

PAGES: dict[str, Page] = {
    # -- the home page of each role, and the lists its counts link to
    "home:index": Page(anyone, sides=(ANYWHERE,)),
    "home:due": Page(
        on(VIEW, "kim-long", "vt-xa"),
        lambda m, side: ["cong-nhan"],
        query=query("to-chuc", "kim-long", "vt-xa"),
    ),
    # "Trang của tôi": the login's own member record (huong's); others have none: 404.
    "home:mine": Page(linked_member, sides=(ANYWHERE,)),
    # -- organisations
    "orgs:tree": Page(anyone, sides=(ANYWHERE,)),
    "orgs:list": Page(anyone, sides=(ANYWHERE,)),
    # Type-ahead (JSON): every user, answers limited to their scope (tests/*/test_pickers.py).
    "orgs:pick": Page(anyone, query=lambda m, side: {"q": "kim"}, sides=(ANYWHERE,)),
    "orgs:export": Page(anywhere(EXPORT), sides=(ANYWHERE,)),
    "orgs:export_xlsx": Page(anywhere(EXPORT), sides=(ANYWHERE,)),
    "orgs:detail": Page(CELL_VIEW, ORG),
    **_ops(ORG_ACTIONS, _org_op, "orgs:action"),
    # -- members
    "members:list": Page(anyone, sides=(ANYWHERE,)),
    "members:pick": Page(anyone, query=lambda m, side: {"q": "huong"}, sides=(ANYWHERE,)),
    "members:export": Page(anywhere(EXPORT), sides=(ANYWHERE,)),
    "members:export_xlsx": Page(anywhere(EXPORT), sides=(ANYWHERE,)),
    "members:admit": Page(CELL_CHANGE, ORG, post=CELL_CHANGE),
    "members:detail": Page(either(CELL_VIEW, own_record), thing("member")),
    **_ops(MEMBER_ACTIONS, _member_op, "members:action"),
    # -- audit log, users and roles (the in-scope user is "staff", granted on Tam Dương)
    "core:audit": Page(anywhere(AUDIT), sides=(ANYWHERE,)),
    # The header's "kỳ số liệu" form: any login keeps its own period, then goes back (302).
    "period": Page(anyone, sides=(ANYWHERE,), post=anyone, ok=302),
    "accounts:users": Page(anywhere(MANAGE_USERS), sides=(ANYWHERE,)),
    "accounts:user_create": Page(
        anywhere(MANAGE_USERS), sides=(ANYWHERE,), post=anywhere(MANAGE_USERS)
    ),
    "accounts:user_detail": Page(on(MANAGE_USERS, "tam-duong", "vinh-tuong"), thing("user")),
    "accounts:user_grant": Page(
        on(MANAGE_USERS, "tam-duong", "vinh-tuong"),
        thing("user"),
        post=on(MANAGE_USERS, "tam-duong", "vinh-tuong"),
        ok=302,
    ),
    "accounts:logins": Page(anywhere(MANAGE_USERS), sides=(ANYWHERE,)),
    "accounts:lift_lockout": Page(None, sides=(ANYWHERE,), post=anywhere(MANAGE_USERS)),
    "accounts:grant_end": Page(
        on(MANAGE_USERS, "tam-duong", "vinh-tuong"),
        thing("grant"),
        post=on(MANAGE_USERS, "tam-duong", "vinh-tuong"),
        ok=302,
    ),
    # -- imports: a job is its creator's
    "imports:index": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "imports:template": Page(anywhere(CHANGE), lambda m, side: ["members"], sides=(ANYWHERE,)),
    "imports:job": Page(job_owner, thing("job")),
    "imports:progress": Page(job_owner, thing("job")),
    "imports:commit": Page(None, thing("job"), post=job_owner),
    "imports:cancel": Page(None, thing("job"), post=job_owner),
    "imports:retry": Page(None, thing("job"), post=job_owner),
    "imports:options": Page(None, thing("job"), post=job_owner),
    # -- meetings
    "meetings:compliance": Page(
        on(VIEW, "kim-long", "vt-xa"), query=query("to-chuc", "kim-long", "vt-xa")
    ),
    "meetings:cell": Page(CELL_VIEW, ORG),
    "meetings:create": Page(CELL_MEETINGS, ORG, post=CELL_MEETINGS),
    "meetings:detail": Page(CELL_VIEW, thing("meeting")),
    "meetings:edit": Page(CELL_MEETINGS, thing("meeting"), post=CELL_MEETINGS),
    "meetings:attendance": Page(CELL_MEETINGS, thing("meeting"), post=CELL_MEETINGS),
    "meetings:vote": Page(CELL_MEETINGS, thing("meeting"), post=CELL_MEETINGS),
    "meetings:minutes_docx": Page(CELL_VIEW, thing("meeting")),
    "meetings:minutes_pdf": Page(CELL_VIEW, thing("meeting")),
    # -- oversight (assignments and groups belong to the district's committee)
    "oversight:mine": Page(anyone, sides=(ANYWHERE,)),
    "oversight:coverage": Page(DISTRICT_VIEW, query=DISTRICT_QUERY),
    "oversight:assign": Page(DISTRICT_CHANGE, query=DISTRICT_QUERY, post=DISTRICT_CHANGE),
    "oversight:handover": Page(DISTRICT_CHANGE, thing("assignment"), post=DISTRICT_CHANGE),
    "oversight:end_assignment": Page(DISTRICT_CHANGE, thing("assignment"), post=DISTRICT_CHANGE),
    "oversight:targets": Page(DISTRICT_VIEW, query=DISTRICT_QUERY),
    "oversight:groups": Page(DISTRICT_VIEW, query=DISTRICT_QUERY),
    "oversight:group_create": Page(DISTRICT_CHANGE, query=DISTRICT_QUERY, post=DISTRICT_CHANGE),
    "oversight:plan": Page(DISTRICT_CHANGE, query=DISTRICT_QUERY, post=DISTRICT_CHANGE),
    "oversight:group": Page(DISTRICT_VIEW, thing("group"), post=DISTRICT_CHANGE),
    "oversight:visit_create": Page(
        on(OVERSEE, "kl-thon-1", "vt-thon"),
        query=query("chi-bo", "kl-thon-1", "vt-thon"),
        post=on(OVERSEE, "kl-thon-1", "vt-thon"),
    ),
    "oversight:visit": Page(CELL_VIEW, thing("visit")),
    "oversight:opinions": Page(DISTRICT_VIEW, query=DISTRICT_QUERY),
    "oversight:quarter": Page(DISTRICT_VIEW, query=DISTRICT_QUERY),
    "oversight:opinion_create": Page(anywhere(OVERSEE), sides=(ANYWHERE,), post=anywhere(OVERSEE)),
    # A member's own opinions: any login linked to a member record (huong, "member").
    "oversight:my_opinions": Page(linked_member, sides=(ANYWHERE,), post=linked_member),
    "oversight:opinion": Page(
        on(VIEW, ("kl-thon-1", "tam-duong", "kim-long"), ("vt-thon", "vinh-tuong", "vt-xa")),
        thing("opinion"),
    ),
    **_ops(OPINION_SIDE, _opinion_op, "oversight:opinion_action"),
    # -- reviews (the cycle is Kim Long's; out of scope, vt-xa's)
    "reviews:cycles": Page(
        on(VIEW, "kim-long", "vt-xa"), query=query("to-chuc", "kim-long", "vt-xa")
    ),
    # Opening a cycle: for an organisation picked among those the user may change.
    "reviews:cycle_open": Page(anywhere(CHANGE), sides=(ANYWHERE,), post=anywhere(CHANGE)),
    "reviews:cycle": Page(CYCLE_VIEW, thing("cycle")),
    "reviews:evaluations": Page(CYCLE_VIEW, thing("cycle")),
    "reviews:self_assess": Page(
        either(CELL_CHANGE, own_record),
        thing("cycle"),
        query=lambda m, side: {"dang-vien": m.thing("member", side).pk},
        post=either(CELL_CHANGE, own_record),
    ),
    "reviews:lock": Page(COMMUNE_CHANGE, thing("cycle"), post=COMMUNE_CHANGE, ok=302),
    "reviews:reopen": Page(COMMUNE_CHANGE, thing("cycle"), post=COMMUNE_CHANGE, ok=302),
    "reviews:remedy_group": Page(COMMUNE_CHANGE, thing("cycle"), post=COMMUNE_CHANGE, ok=302),
    "reviews:remedy": Page(COMMUNE_CHANGE, thing("remedy"), post=COMMUNE_CHANGE, ok=302),
    "reviews:evaluation": Page(either(CELL_VIEW, own_record), thing("evaluation")),
    **_ops(EVALUATION_SIDE, _evaluation_op, "reviews:evaluation_action"),
    "reviews:honours": Page(
        on(VIEW, "kim-long", "vt-xa"), query=query("to-chuc", "kim-long", "vt-xa")
    ),
    "reviews:honours_xlsx": Page(
        on(EXPORT, "kim-long", "vt-xa"), query=query("to-chuc", "kim-long", "vt-xa")
    ),
    "reviews:honours_docx": Page(
        on(EXPORT, "kim-long", "vt-xa"), query=query("to-chuc", "kim-long", "vt-xa")
    ),
    "reviews:honours_pdf": Page(
        on(EXPORT, "kim-long", "vt-xa"), query=query("to-chuc", "kim-long", "vt-xa")
    ),
    "reviews:member_history": Page(either(CELL_VIEW, own_record), thing("member")),
    "reviews:org_history": Page(CELL_VIEW, ORG),
    **DIRECTION_PAGES,
    **REPORT_PAGES,
    **PRIVACY_PAGES,
    **NEWSROOM_PAGES,
    **PORTAL_PAGES,
}

# Cases that show a leak: (page, side, role) -> what leaks. Each is a strict xfail.
LEAKS: dict[tuple[str, str, str], str] = {}


# ---------------------------------------------------------------- the URL conf


def _patterns(resolver, prefix="", namespace=None):
    """(route, name) of every pattern, namespaces joined as ``reverse`` spells them."""
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            joined = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _patterns(p, prefix + str(p.pattern), joined)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def resolver_pages() -> set[str]:
    """Every page's name (its route when it has none), minus what this matrix skips."""
    found = set()
    for route, name in _patterns(get_resolver()):
        if route.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES:
            continue
        if name and name.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        found.add(name if name is not None else route)
    return found


OP_REGISTRIES = {
    "orgs:action": ORG_ACTIONS,
    "members:action": MEMBER_ACTIONS,
    "oversight:opinion_action": TRANSITIONS,
    "reviews:evaluation_action": EVALUATION_OPS,
    "reports:download": REPORT_FORMATS,
    "core:chart": charts.names(),
    "privacy:request_action": REQUEST_OPS,
    "privacy:breach_action": BREACH_OPS,
}


def test_every_page_is_in_the_matrix():
    """The table covers exactly the resolver's pages, and every operation of an operation
    page: a new page (or operation) without an entry fails here."""
    in_table = {name.split("[")[0] for name in PAGES}
    missing = sorted(resolver_pages() - in_table)
    gone = sorted(in_table - resolver_pages())
    assert not missing, "add " + ", ".join(missing) + " to the matrix (PAGES in this file)"
    assert not gone, f"{gone} are in the matrix but no longer in the URL conf: remove them"
    for name, registry in OP_REGISTRIES.items():
        ops = {key[len(name) + 1 : -1] for key in PAGES if key.startswith(name + "[")}
        assert ops == set(registry), f"add the operations {set(registry) - ops} of {name}"


# ---------------------------------------------------------------- the cases


def _cases(method: str):
    for name, page in PAGES.items():
        rule = page.get if method == "GET" else page.post
        if rule is None:
            continue
        for side in page.sides:
            for role in (*ROLES, ANONYMOUS):
                if method == "POST" and role != ANONYMOUS and rule(role, side):
                    continue  # allowed: the apps' own suites post the real forms
                marks = ()
                if (name, side, role) in LEAKS:
                    reason = LEAKS[name, side, role]
                    marks = (pytest.mark.xfail(strict=True, reason=f"LEAK: {reason}"),)
                yield pytest.param(name, side, role, marks=marks, id=f"{name}-{side}-{role}")


def _url(m: Matrix, name: str, side: str) -> tuple[str, dict]:
    page = PAGES[name]
    url_name = name.split("[")[0]
    return reverse(url_name, args=page.args(m, side)), page.query(m, side)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("login") + "?next="
    )


@pytest.mark.parametrize(("name", "side", "role"), list(_cases("GET")))
def test_get(matrix, name, side, role):
    page = PAGES[name]
    url, params = _url(matrix, name, side)
    client = matrix.client_as(role)
    response = client.get(url, params)
    if role == ANONYMOUS and not page.public:
        assert _is_login_redirect(response), (response.status_code, response.get("Location"))
        return
    if page.get(role, side):
        expected = page.ok
    elif page.form_refuses is not None and page.form_refuses(role, side):
        expected = 400
    else:
        expected = 404
    assert response.status_code == expected, f"{role} GET {url} {params}: {response.status_code}"
    if expected == 302:
        assert not _is_login_redirect(response)


@pytest.mark.parametrize(("name", "side", "role"), list(_cases("POST")))
def test_refused_post_writes_nothing(matrix, name, side, role):
    url, params = _url(matrix, name, side)
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    client = matrix.client_as(role)
    before = written()
    response = client.post(url, {})
    if role == ANONYMOUS:
        assert _is_login_redirect(response), response.status_code
    else:
        assert response.status_code in (403, 404), f"{role} POST {url}: {response.status_code}"
    assert written() == before, f"{role} POST {url} wrote something"
