"""Organisation pages: the tree, one organisation as of a date, and its change forms."""

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangbo.core import cache, exports, period, replicas, scope
from dangbo.core import services as core_services
from dangbo.core.errors import invalid
from dangbo.core.forms import AsOfForm
from dangbo.core.office.sheet import Sheet
from dangbo.core.office.sheet import response as sheet_response
from dangbo.core.views import (
    Action,
    history_of,
    operation_page,
    page_of,
    parse_as_of,
    render_page,
)
from dangbo.members import forms as member_forms
from dangbo.members import queries as member_queries
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES, MembershipKind
from dangbo.members.models import Member, Membership
from dangbo.orgs import queries as org_queries
from dangbo.orgs import services as org_services
from dangbo.orgs.choices import CELL_KINDS, OrgKind, Sector, Title
from dangbo.orgs.fields import bind
from dangbo.orgs.lookups import scope_roots
from dangbo.orgs.models import CommitteeBody, Organisation, Position
from dangbo.orgs.rules import OrgOperation, operation_allowed, rule_source

from . import forms, listing, queries, services
from .choices import RegistryAudit


@login_required
@replicas.reads
def tree(request):
    """The tree two levels deep under each of the user's roots (or under ``?goc=<code>``,
    to open a deeper branch): nested <details>, so it expands and collapses without JS."""
    as_of = parse_as_of(request)
    code = request.GET.get("goc") or ""
    if code:
        top = [scope.get_or_404(Organisation.objects.all(), request.user, scope.VIEW, code=code)]
    else:
        top = list(scope_roots(request.user))
    roots = []
    for org in top:
        if not org.is_active(as_of.day):
            continue
        children = queries.children_as_of(org, as_of.day)
        below = queries.grandchildren_as_of(org, children, as_of.day)
        roots.append(
            {
                "org": org,
                "counts": queries.member_counts(org, as_of.day),
                "children": [(c, below.get(c.code, [])) for c in children],
            }
        )
    own = getattr(request.user, "member", None) if not roots else None
    return render_page(
        request,
        "orgs/tree.html",
        {
            "roots": roots,
            "rerooted": bool(code),
            "as_of": as_of,
            "own_member": own,
            "form": _as_of_form(as_of),
        },
    )


@login_required
@replicas.reads
@cache.page
def org_list(request):
    qs, filters, error = listing.filtered(request)
    return render_page(
        request,
        "orgs/list.html",
        {
            "page": page_of(request, qs, per_page=100),
            "filters": filters,
            "sector": filters["loai-hinh"],
            "ended": filters["ca-da-ket-thuc"],
            "error": error,
            "kinds": OrgKind.choices,
            "sectors": Sector.choices,
            "can_export": scope.has_any(request.user, scope.EXPORT),
        },
    )


def _export(request, kind: str):
    """(filters, rows): scoped exactly like the list (for the export action), after one audit
    entry."""
    user = request.user
    if not scope.has_any(user, scope.EXPORT):
        raise Http404
    qs, filters, _error = listing.filtered(request, scope.EXPORT)
    return filters, core_services.record_export(
        actor=user,
        queryset=qs,
        action=RegistryAudit.EXPORTED,
        what="orgs",
        summary=_("Xuất %%(n)s tổ chức đảng ra tệp %(kind)s") % {"kind": kind},
        after={"filters": filters},
    )


@login_required
@replicas.reads
def export(request):
    _filters, rows = _export(request, "CSV")
    day = period.current(request).day
    columns = exports.csv_columns(listing.COLUMNS)
    return exports.csv_response(rows, columns, f"to-chuc-dang-{day:%Y%m%d}.csv")


@login_required
@replicas.reads
def export_xlsx(request):
    """The filtered list as a sheet to print, as of the period's day."""
    filters, rows = _export(request, "XLSX")
    day = period.current(request).day
    where = exports.scope_label(
        request.user, scope.EXPORT, listing.root_label(request, filters, scope.EXPORT)
    )
    sheet = Sheet(
        title=_("DANH SÁCH TỔ CHỨC ĐẢNG"),
        subtitle=f"{where} · {exports.as_of_line(day)}",
        columns=tuple(listing.COLUMNS),
        rows=rows,
        name=_("Tổ chức đảng"),
        scope=where,
        user=exports.user_label(request.user),
        landscape=True,
    )
    return sheet_response(
        [sheet], f"to-chuc-dang-{day:%Y%m%d}.xlsx", title=_("Danh sách tổ chức đảng"), author=where
    )


def _as_of_form(as_of):
    return AsOfForm(initial={"ngay": "" if as_of.is_today else f"{as_of.day:%d/%m/%Y}"})


def _labelled(counter: dict, choices) -> list[tuple[str, int]]:
    labels = dict(choices)
    return sorted(((str(labels.get(k, k)), n) for k, n in counter.items()), key=lambda r: -r[1])


CHILDREN_PAGE = 100
WARNINGS_SHOWN = 50  # a long list is summarised; the count says how many there are
TITLE_RANK = {value: rank for rank, value in enumerate(Title.values)}


def _committee(org: Organisation, day):
    """Bodies in force on ``day`` with the positions held in them on that day."""
    active = org_queries.active_q(day)
    positions = Position.objects.filter(active).select_related("member")
    bodies = list(
        CommitteeBody.objects.filter(active, org=org)
        .order_by("body_type", "-term_start_year")
        .prefetch_related(Prefetch("positions", queryset=positions, to_attr="holders"))
    )
    for body in bodies:  # Bí thư first, then deputies, then members, each by name
        body.holders.sort(key=lambda p: (TITLE_RANK[p.title], p.member.sort_key))
    return bodies


def _other_positions(org: Organisation, day):
    """Positions held on ``day`` that belong to no committee body (a party group's leader)."""
    rows = list(
        Position.objects.filter(
            org_queries.active_q(day), org=org, body__isnull=True
        ).select_related("member")
    )
    rows.sort(key=lambda p: (TITLE_RANK[p.title], p.member.sort_key))
    return rows


@login_required
@replicas.reads
@cache.page
def detail(request, code):
    org = scope.get_or_404(
        Organisation.objects.select_related("parent"), request.user, scope.VIEW, code=code
    )
    as_of = parse_as_of(request)
    user = request.user
    trail = org_queries.ancestors(org)
    visible = set(
        scope.restrict(Organisation.objects.filter(pk__in=[o.pk for o in trail]), user).values_list(
            "pk", flat=True
        )
    )
    # The heavy blocks of a big organisation, cached until the next change anywhere.
    version = cache.data_version()
    key = (org.pk, org.path, as_of.day.isoformat())
    stats = cache.versioned(
        ("stats", *key), lambda: queries.org_stats(org, as_of.day), version=version
    )
    warnings = cache.versioned(
        ("warnings", *key), lambda: queries.structural_warnings(org, as_of.day), version=version
    )
    overdue, overdue_total = cache.versioned(
        ("overdue", *key), lambda: _overdue(org, as_of.day), version=version
    )
    grassroots = stats["grassroots"]
    members_page = None
    if org.kind in CELL_KINDS:
        in_cell = Membership.objects.filter(
            org_queries.active_q(as_of.day), org=org, kind=MembershipKind.OFFICIAL
        ).values("member_id")
        members_page = page_of(
            request,
            member_queries.ordered(member_queries.visible_members(user).filter(pk__in=in_cell)),
        )
    children = cache.versioned(
        ("children", *key), lambda: queries.children_as_of(org, as_of.day), version=version
    )
    # A province has a thousand children: a page of them at a time (a cell lists its members
    # under ``trang``, and its few party groups whole).
    children_page = None if members_page is not None else page_of(request, children, CHILDREN_PAGE)
    can_change = scope.can(user, scope.CHANGE, org)
    context = {
        "org": org,
        "as_of": as_of,
        "form": _as_of_form(as_of),
        "breadcrumb": [(o, o.pk in visible) for o in trail],
        "stats": stats,
        "by_kind": _labelled(grassroots["by_kind"], OrgKind.choices),
        "by_sector": _labelled(grassroots["by_sector"], Sector.choices),
        "sub_cells_by_sector": _labelled(stats["sub_cells"]["by_parent_sector"], Sector.choices),
        "bodies": _committee(org, as_of.day),
        "other_positions": _other_positions(org, as_of.day),
        "children": children,
        "children_page": children_page,
        "child_url": reverse("orgs:detail", args=["_"])[:-2],
        "members_page": members_page,
        "warnings": [
            {**w, "source": rule_source(w["rule"], as_of.day)} for w in warnings[:WARNINGS_SHOWN]
        ],
        "warnings_total": len(warnings),
        "overdue": overdue[:WARNINGS_SHOWN],
        "overdue_total": overdue_total,
        "can_change": can_change,
        "is_cell": org.kind in CELL_KINDS,
        "ops_menu": _menu(org) if can_change else [],
        "end_position_op": END_POSITION,
        "may_end_position": can_change and _allowed(END_POSITION, org),
        "may_assign_position": can_change and _allowed("phan-cong-chuc-vu", org),
        "events": org_queries.history(org),
        "history": history_of(org, user),
    }
    return render_page(request, "orgs/detail.html", context)


def _overdue(org: Organisation, day) -> tuple[list, int]:
    """The first probationers overdue for recognition (rule 8) and how many there are."""
    overdue_qs = queries.overdue_probationers(org, day)
    overdue = list(overdue_qs[:WARNINGS_SHOWN])
    return overdue, len(overdue) if len(overdue) < WARNINGS_SHOWN else overdue_qs.count()


def _document(data) -> core_services.DocumentRef | None:
    if not data.get("doc_number"):
        return None
    return core_services.DocumentRef(
        number=data["doc_number"], issuer=data["doc_issuer"], issue_date=data["doc_date"]
    )


def _create(user, org, data):
    org_services.create_org(
        document=_document(data),
        actor=user,
        code=data["code"],
        name=data["name"],
        kind=data["kind"],
        sector=data["sector"],
        parent=org,
        valid_from=data["valid_from"],
    )


def _rename(user, org, data):
    org_services.rename_org(
        actor=user,
        org=org,
        name=data["name"],
        effective_date=data["effective_date"],
        document=_document(data),
    )


def _reparent(user, org, data):
    org_services.reparent_org(
        actor=user,
        org=org,
        new_parent=data["new_parent"],  # named within the change scope (the form's picker)
        effective_date=data["effective_date"],
        document=_document(data),
    )


def _dissolve(user, org, data):
    services.dissolve_org(
        actor=user, org=org, effective_date=data["effective_date"], document=_document(data)
    )


def _merge(user, org, data):
    services.merge_orgs(
        actor=user,
        sources=data["sources"],  # named within the change scope (the form's picker)
        target=org,
        effective_date=data["effective_date"],
        document=_document(data),
    )


def _split(user, org, data):
    parent = org.parent
    if parent is None or not scope.can(user, scope.CHANGE, parent):
        raise invalid(
            "new_orgs",
            _("Tổ chức mới: trực thuộc %(parent)s, ngoài phạm vi bạn được thay đổi.")
            % {"parent": parent.name if parent else _("(không có cấp trên)")},
        )
    services.split_org(
        actor=user,
        source=org,
        new_orgs=[{**spec, "kind": org.kind, "sector": org.sector} for spec in data["new_orgs"]],
        allocation=data["allocation"],
        effective_date=data["effective_date"],
        end_source=data["end_source"],
        document=_document(data),
    )


def _allocation_lines(org) -> str:
    """A split's allocation to complete: one line per active member, "Họ tên → " (the birth
    year added where two share a name), the new organisation to be written after the arrow."""
    members = list(
        member_queries.ordered(Member.objects.filter(org=org, status__in=ACTIVE_STATUSES))
    )
    names = Counter(m.full_name for m in members)
    return "\n".join(
        f"{m.full_name} ({m.date_of_birth.year}) → "
        if names[m.full_name] > 1 and m.date_of_birth
        else f"{m.full_name} → "
        for m in members
    )


def _create_body(user, org, data):
    org_services.create_body(
        actor=user,
        org=org,
        body_type=data["body_type"],
        term_start_year=data["term_start_year"],
        term_end_year=data["term_end_year"],
        formed_by=data["formed_by"],
        valid_from=data["valid_from"],
        document=_document(data),
    )


def _assign_position(user, org, data):
    services.assign_position(
        actor=user,
        member=data["member"],  # named within the change scope (the form's picker)
        org=org,
        title=data["title"],
        body=data["body"],
        method=data["method"],
        valid_from=data["valid_from"],
    )


def _end_position(user, org, data):
    org_services.end_position(actor=user, position=data["position"], valid_to=data["valid_to"])


def _transfer_in(user, org, data):
    data = dict(data)
    extra = {k: data.pop(k) for k in member_forms.TransferInForm.ARRIVAL}
    member = member_services.transfer_in(
        actor=user,
        org=org,
        data=data,
        effective_date=extra["effective_date"],
        admission_decision_date=extra["admission_decision_date"],
        admission_ceremony_date=extra["admission_ceremony_date"],
        admission_vote_date=extra["admission_vote_date"],
        official_recognition_date=extra["official_recognition_date"],
        decision_ref=extra["decision_ref"],
        note=extra["note"],
    )
    return reverse("members:detail", args=[member.pk])


def _has_open_positions(org) -> bool:
    return Position.objects.filter(org=org, valid_to__isnull=True).exists()


def _is_cell(org) -> bool:
    return org.kind in CELL_KINDS


END_POSITION = "thoi-chuc-vu"

ORG_ACTIONS: dict[str, Action] = {
    "tao-truc-thuoc": Action(
        gettext_lazy("Thành lập tổ chức trực thuộc"),
        forms.CreateOrgForm,
        _create,
        gettext_lazy("Đã ghi việc thành lập tổ chức trực thuộc."),
    ),
    "doi-ten": Action(
        gettext_lazy("Đổi tên"),
        forms.RenameOrgForm,
        _rename,
        gettext_lazy("Đã ghi việc đổi tên."),
    ),
    "chuyen-truc-thuoc": Action(
        gettext_lazy("Chuyển trực thuộc"),
        forms.ReparentOrgForm,
        _reparent,
        gettext_lazy("Đã ghi việc chuyển trực thuộc."),
    ),
    "giai-the": Action(
        gettext_lazy("Giải thể / kết thúc hoạt động"),
        forms.DissolveOrgForm,
        _dissolve,
        gettext_lazy("Đã ghi việc kết thúc hoạt động."),
        confirm=True,
    ),
    "hop-nhat": Action(
        gettext_lazy("Hợp nhất tổ chức khác vào đây"),
        forms.MergeOrgForm,
        _merge,
        gettext_lazy("Đã ghi việc hợp nhất tổ chức."),
        confirm=True,
    ),
    "chia-tach": Action(
        gettext_lazy("Chia tách"),
        forms.SplitOrgForm,
        _split,
        gettext_lazy("Đã ghi việc chia tách tổ chức."),
        initial=lambda user, org: {"allocation": _allocation_lines(org)},
        confirm=True,
    ),
    "lap-co-quan": Action(
        gettext_lazy("Lập cơ quan lãnh đạo"),
        forms.CreateBodyForm,
        _create_body,
        gettext_lazy("Đã ghi cơ quan lãnh đạo."),
    ),
    "phan-cong-chuc-vu": Action(
        gettext_lazy("Phân công chức vụ"),
        forms.AssignPositionForm,
        _assign_position,
        gettext_lazy("Đã ghi việc phân công chức vụ."),
    ),
    END_POSITION: Action(
        gettext_lazy("Thôi giữ chức vụ"),
        forms.EndPositionForm,
        _end_position,
        gettext_lazy("Đã ghi việc thôi giữ chức vụ."),
        when=_has_open_positions,
    ),
    "tiep-nhan": Action(
        gettext_lazy("Tiếp nhận đảng viên từ nơi khác"),
        member_forms.TransferInForm,
        _transfer_in,
        gettext_lazy("Đã ghi việc tiếp nhận đảng viên."),
        when=_is_cell,
    ),
}


# The rule (``orgs.rules.operation_allowed``) behind each operation of the page.
OP_RULES: dict[str, OrgOperation] = {
    "tao-truc-thuoc": OrgOperation.FOUND_SUBORDINATE,
    "doi-ten": OrgOperation.RENAME,
    "chuyen-truc-thuoc": OrgOperation.REPARENT,
    "giai-the": OrgOperation.DISSOLVE,
    "hop-nhat": OrgOperation.MERGE_INTO,
    "chia-tach": OrgOperation.SPLIT,
    "lap-co-quan": OrgOperation.CREATE_BODY,
    "phan-cong-chuc-vu": OrgOperation.ASSIGN_POSITION,
    END_POSITION: OrgOperation.END_POSITION,
    "tiep-nhan": OrgOperation.TRANSFER_IN,
}

# The page's "Thao tác" menu: everyday changes in groups; the ones that end or reshape an
# organisation apart, each stating its consequence on its own page before it is confirmed.
MENU_GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (gettext_lazy("Cấp ủy và chức vụ"), ("phan-cong-chuc-vu", END_POSITION, "lap-co-quan")),
    (gettext_lazy("Đảng viên"), ("tiep-nhan",)),
    (gettext_lazy("Tổ chức"), ("doi-ten", "chuyen-truc-thuoc", "tao-truc-thuoc")),
)
DESTRUCTIVE: dict[str, Any] = {
    "giai-the": gettext_lazy(
        "Tổ chức kết thúc hoạt động từ ngày hiệu lực: không còn trong cây tổ chức, số liệu và "
        "danh sách từ ngày đó. Đảng viên còn sinh hoạt tại đây phải được chuyển đi trước."
    ),
    "hop-nhat": gettext_lazy(
        "Các tổ chức được hợp nhất kết thúc hoạt động từ ngày hiệu lực; đảng viên, chức vụ và "
        "tổ chức trực thuộc của chúng chuyển về tổ chức này."
    ),
    "chia-tach": gettext_lazy(
        "Lập các tổ chức mới và chuyển đảng viên theo bảng phân bổ; nếu chọn kết thúc tổ chức "
        "gốc, tổ chức này không còn hoạt động từ ngày hiệu lực."
    ),
}
CONFIRM_FIELD = "xac-nhan"
CONFIRM_MISSING = gettext_lazy(
    "Xác nhận: đánh dấu ô “Tôi đã hiểu hậu quả” trước khi ghi thao tác này."
)


def _allowed(op: str, org) -> bool:
    """Whether the operation makes sense for this organisation's kind (one rule, in
    ``orgs.rules``): the page hides the others and their pages refuse them."""
    rule = OP_RULES.get(op)
    return rule is None or operation_allowed(rule, org.kind, org.sector)


def _offered(op: str, spec: Action, org) -> bool:
    """Whether the page offers the operation: allowed for the kind, and (where the
    operation says so) for the organisation's state. As on member pages, a state-dependent
    form stays reachable and the service refuses what does not apply."""
    return _allowed(op, org) and (spec.when is None or spec.when(org))


def _menu(org) -> list[dict]:
    """The menu's groups with their entries (title, URL); empty groups left out."""
    groups = []
    for title, ops in MENU_GROUPS:
        entries = [
            (ORG_ACTIONS[op].title, reverse("orgs:action", args=[org.code, op]))
            for op in ops
            if _offered(op, ORG_ACTIONS[op], org)
        ]
        if title == MENU_GROUPS[1][0] and operation_allowed(
            OrgOperation.ADMIT, org.kind, org.sector
        ):
            entries.insert(0, (_("Kết nạp đảng viên"), reverse("members:admit", args=[org.code])))
        if entries:
            groups.append({"title": title, "entries": entries, "destructive": False})
    danger = [
        (ORG_ACTIONS[op].title, reverse("orgs:action", args=[org.code, op]))
        for op in DESTRUCTIVE
        if _offered(op, ORG_ACTIONS[op], org)
    ]
    if danger:
        groups.append({"title": _("Kết thúc, sắp xếp lại"), "entries": danger, "destructive": True})
    return groups


def _org_form(spec: Action, request, org):
    kwargs = {"org": org} if getattr(spec.form, "uses_org", False) else {}
    if issubclass(spec.form, member_forms.RecordForm):  # a new member's record
        kwargs["sensitive"] = scope.can_view_sensitive(request.user, Member(org=org))
    if request.method == "POST":
        return bind(spec.form(request.POST, **kwargs), request.user)
    if spec.initial is not None:
        kwargs["initial"] = spec.initial(request.user, org)
    # A link from a committee row names the position to end or the body to add to.
    for param, field in (("chuc-vu", "position"), ("co-quan", "body")):
        value = request.GET.get(param) or ""
        if value.isascii() and value.isdigit() and len(value) <= 18:
            kwargs.setdefault("initial", {})[field] = value
    return bind(spec.form(**kwargs), request.user)


@login_required
def action(request, code, op):
    spec = ORG_ACTIONS.get(op)
    if spec is None:
        raise Http404
    org = scope.get_or_404(
        Organisation.objects.select_related("parent"), request.user, scope.CHANGE, code=code
    )
    if not _allowed(op, org):  # not an operation of this kind: refused, nothing written
        raise Http404
    form = _org_form(spec, request, org)
    consequence = DESTRUCTIVE.get(op)
    if consequence and request.method == "POST" and request.POST.get(CONFIRM_FIELD) != "1":
        form.is_valid()  # every other check in the same pass
        form.add_error(None, str(CONFIRM_MISSING))
    return operation_page(
        request,
        spec,
        org,
        form,
        success_url=reverse("orgs:detail", args=[org.code]),
        template="orgs/action.html",
        context={
            "org": org,
            "spec": spec,
            "consequence": consequence,
            "confirm_field": CONFIRM_FIELD,
        },
    )
