"""Pages of partner bodies and of who answers for what: the partners' list, page, creation and
edit; an organisation's and a person's tasks (led, coordinated, overdue); a program's matrix of
bodies × tasks, printable and as .xlsx. Thin: parse, authorise (out of scope is 404), one
query or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from dangbo.core import exports, scope
from dangbo.core.dates import today
from dangbo.core.office.sheet import Col, Sheet
from dangbo.core.office.sheet import response as sheet_response
from dangbo.core.views import apply_service_errors, page_of, parse_as_of, render_page
from dangbo.members.models import Member
from dangbo.orgs import services as org_services
from dangbo.orgs.choices import PartnerKind
from dangbo.orgs.lookups import page_org

from . import partners, responsibility
from .partner_forms import PartnerCreateForm, PartnerEditForm

# ------------------------------------------------------------------ partners

PARTNERS_PER_PAGE = 200


@login_required
def partner_list(request):
    if not scope.has_any(request.user, scope.VIEW):
        raise Http404
    kind = request.GET.get("loai") or ""
    code = request.GET.get("to-chuc")
    org = page_org(request.user, code) if code else None
    day = parse_as_of(request).day
    page = page_of(request, partners.listing(request.user, kind, org, day), PARTNERS_PER_PAGE)
    groups: dict[str, list] = {}
    for p in page.object_list:
        groups.setdefault(p.get_kind_display(), []).append(p)
    return render_page(
        request,
        "programs/partners/list.html",
        {
            "groups": list(groups.items()),
            "kinds": PartnerKind.choices,
            "kind": kind if kind in PartnerKind.values else "",
            "page": page,
            "org": org,
            "can_create": scope.has_any(request.user, scope.CHANGE),
        },
    )


@login_required
def partner_detail(request, code):
    partner = partners.partner_or_404(request.user, code)
    as_of = parse_as_of(request)
    data = partners.page(request.user, partner, as_of.day)
    return render_page(
        request,
        "programs/partners/detail.html",
        {
            "partner": partner,
            "data": data,
            "as_of": as_of,
            "can_change": partners.may_change(request.user, partner),
        },
    )


def _form_page(request, form, template, context, run, done):
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    partner = run(form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("programs:partner", partner.code)
        status = 400
    else:
        status = 200
    return render_page(request, template, {**context, "form": form}, status=status)


@login_required
def partner_create(request):
    if not scope.has_any(request.user, scope.CHANGE):
        raise Http404
    form = PartnerCreateForm(request.POST or None, user=request.user)

    def run(data):
        return org_services.create_partner(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            lead_org=data["lead_org"],
            valid_from=data["valid_from"],
            parent=data["parent"],
        )

    return _form_page(
        request,
        form,
        "programs/partners/form.html",
        {"title": _("Thêm cơ quan phối hợp"), "back": reverse("programs:partners")},
        run,
        _("Đã ghi cơ quan phối hợp."),
    )


@login_required
def partner_edit(request, code):
    partner = partners.partner_or_404(request.user, code, scope.CHANGE)
    initial = {"name": partner.name, "kind": partner.kind, "parent": partner.parent}
    form = PartnerEditForm(
        request.POST or None, initial=initial, user=request.user, partner=partner
    )

    def run(data):
        return org_services.update_partner(
            actor=request.user,
            partner=partner,
            name=data["name"],
            kind=data["kind"],
            parent=data["parent"],
            lead_org=data["lead_org"],
            lead_from=data["lead_from"],
            valid_to=data["valid_to"],
        )

    return _form_page(
        request,
        form,
        "programs/partners/form.html",
        {
            "title": _("Sửa cơ quan phối hợp"),
            "partner": partner,
            "back": reverse("programs:partner", args=[partner.code]),
        },
        run,
        _("Đã ghi thay đổi."),
    )


# ------------------------------------------------------------------ responsibility


@login_required
def org_responsibility(request):
    """``?to-chuc=`` (default: the user's first organisation); ``?cap-duoi=1``: its subtree."""
    org = page_org(request.user, request.GET.get("to-chuc"))
    as_of = parse_as_of(request)
    subtree = request.GET.get("cap-duoi") == "1"
    data = responsibility.for_org(request.user, org, as_of.day, subtree=subtree)
    return render_page(
        request,
        "programs/responsibility/org.html",
        {"org": org, "data": data, "as_of": as_of, "subtree": subtree},
    )


@login_required
def person_tasks(request, pk: int):
    member = scope.get_or_404(Member.objects.select_related("org"), request.user, pk=pk)
    as_of = parse_as_of(request)
    data = responsibility.for_person(request.user, member, as_of.day)
    return render_page(
        request,
        "programs/responsibility/person.html",
        {"member": member, "data": data, "as_of": as_of},
    )


def _matrix(request, pk: int):
    program = responsibility.program_for(request.user, pk)
    if program is None:
        raise Http404
    return responsibility.matrix(request.user, program)


@login_required
def matrix(request, pk: int):
    data = _matrix(request, pk)
    return render_page(request, "programs/responsibility/matrix.html", {"m": data})


@login_required
def matrix_xlsx(request, pk: int):
    """The matrix as a sheet to print (landscape): the tasks keep their own numbers ("1.2"),
    so no STT is added; one column per body."""
    user = request.user
    if not scope.has_any(user, scope.EXPORT):
        raise Http404
    data = _matrix(request, pk)
    columns = [
        Col(_("Số TT"), lambda r: r.task.number),
        Col(_("Nội dung"), lambda r: r.task.title),
        Col(_("Thời hạn"), lambda r: r.task.deadline, "date"),
    ]
    for i, body in enumerate(data.bodies):
        columns.append(Col(body.name, lambda r, i=i: r.cells[i]))
    program = data.program
    owner = program.org.name if scope.covers(user, scope.VIEW, program.org) else ""
    where = exports.scope_label(user, scope.VIEW, owner)
    sheet = Sheet(
        title=_("BẢNG PHÂN CÔNG THỰC HIỆN CHƯƠNG TRÌNH"),
        subtitle=f"{program.title} · {exports.as_of_line(today())}",
        columns=tuple(columns),
        rows=data.rows,
        name=_("Phân công"),
        numbered=False,
        scope=where,
        user=exports.user_label(user),
        landscape=True,
    )
    return sheet_response(
        [sheet], f"phan-cong-chuong-trinh-{program.pk}.xlsx", title=program.title, author=where
    )
