"""Pages of the document register (namespace ``documents``, /van-ban/): the list and its
search, a document with its links both ways, register, edit, attach files, download.

Thin: parse, one call to ``programs.documents`` (it holds the rules, the transaction and
the audit), render. A page the user may not use is absent (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangbo.core import files, scope
from dangbo.core.choices import DocumentKind
from dangbo.core.text import strip_control
from dangbo.core.views import apply_service_errors, history_of, page_of, render_page
from dangbo.orgs import fields as org_fields

from . import documents
from . import documents_forms as forms


def _doc_or_404(request, pk):
    doc = documents.get(request.user, pk)
    if doc is None:
        raise Http404
    return doc


def criteria_of(user, params) -> tuple[documents.Search, list[str]]:
    """The search as the list page and the API read it; the messages of what was ignored."""
    errors: list[str] = []
    text = " ".join(strip_control(params.get("q") or "").split())[:300]
    kind = (params.get("loai") or "").strip()[:8]
    if kind and kind not in DocumentKind.values:
        errors.append(
            _("Loại văn bản: “%(v)s” không hợp lệ; đang hiển thị mọi loại.") % {"v": kind}
        )
        kind = ""
    issuer = " ".join(strip_control(params.get("co-quan") or "").split())[:200]
    body = None
    body_text = " ".join(strip_control(params.get("cap-uy") or "").split())[:300]
    if body_text:
        try:
            body = org_fields.resolve(user, body_text, _("Cấp ủy ban hành"), scope.VIEW)
        except ValidationError as exc:
            errors.append(exc.messages[0])
    year = None
    raw_year = (params.get("nam") or "").strip()[:10]
    if raw_year:
        if raw_year.isascii() and raw_year.isdigit() and 1900 <= int(raw_year) <= 2200:
            year = int(raw_year)
        else:
            errors.append(_("Năm: “%(v)s” không hợp lệ; đang hiển thị mọi năm.") % {"v": raw_year})
    return documents.Search(text=text, kind=kind, issuer=issuer, body=body, year=year), errors


@login_required
def document_list(request):
    if not documents.may_read(request.user):
        raise Http404
    criteria, errors = criteria_of(request.user, request.GET)
    page = page_of(request, documents.search(request.user, criteria), capped=True)
    return render_page(
        request,
        "programs/documents/list.html",
        {
            "page": page,
            "errors": errors,
            "filters": {
                "q": criteria.text,
                "loai": criteria.kind,
                "co_quan": criteria.issuer,
                "cap_uy": (request.GET.get("cap-uy") or "")[:300],
                "nam": (request.GET.get("nam") or "")[:10],
            },
            "kinds": DocumentKind.choices,
            "can_register": documents.may_register(request.user),
        },
    )


@login_required
def detail(request, pk):
    doc = _doc_or_404(request, pk)
    can_change = documents.may_change(request.user, doc)
    return render_page(
        request,
        "programs/documents/detail.html",
        {
            "doc": doc,
            "links": documents.links(request.user, doc),
            "can_change": can_change,
            "history": history_of(doc, request.user, can_change=True)
            if documents.may_audit(request.user, doc)
            else None,
        },
    )


def _form_page(request, form, *, template: str, context: dict, run):
    """POST: validate, call the service (its refusal shown on the form, 400); GET: the form."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target, done = run(form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, done)
                return redirect(target)
        status = 400
    return render_page(request, template, {**context, "form": form}, status=status)


@login_required
def create(request):
    if not documents.may_register(request.user):
        raise Http404
    post = request.method == "POST"
    form = org_fields.bind(
        forms.RegisterForm(request.POST if post else None, request.FILES if post else None),
        request.user,
    )

    def run(data):
        uploads = data.pop("files", [])
        doc = documents.register(actor=request.user, uploads=uploads, **data)
        return reverse("documents:detail", args=[doc.pk]), _("Đã ghi nhận văn bản.")

    return _form_page(
        request,
        form,
        template="programs/documents/form.html",
        context={
            "title": _("Ghi nhận văn bản"),
            "back": reverse("documents:list"),
            "multipart": True,
        },
        run=run,
    )


@login_required
def edit(request, pk):
    doc = _doc_or_404(request, pk)
    if not documents.may_change(request.user, doc):
        raise Http404
    post = request.method == "POST"
    form = org_fields.bind(forms.EditForm(request.POST if post else None, doc=doc), request.user)
    back = reverse("documents:detail", args=[doc.pk])

    def run(data):
        documents.edit(actor=request.user, doc=doc, **data)
        return back, _("Đã sửa văn bản.")

    return _form_page(
        request,
        form,
        template="programs/documents/form.html",
        context={"title": _("Sửa văn bản"), "back": back, "doc": doc},
        run=run,
    )


@login_required
def attach(request, pk):
    doc = _doc_or_404(request, pk)
    if not documents.may_change(request.user, doc):
        raise Http404
    post = request.method == "POST"
    form = forms.AttachForm(request.POST if post else None, request.FILES if post else None)
    back = reverse("documents:detail", args=[doc.pk])

    def run(data):
        documents.attach(actor=request.user, doc=doc, uploads=data["files"])
        return back, _("Đã đính kèm tệp.")

    return _form_page(
        request,
        form,
        template="programs/documents/form.html",
        context={"title": _("Đính kèm tệp"), "back": back, "doc": doc, "multipart": True},
        run=run,
    )


@login_required
@require_GET
def download(request, pk, file_pk):
    doc = _doc_or_404(request, pk)
    stored = documents.file_of(request.user, doc, file_pk)
    if stored is None:
        raise Http404
    return files.response(stored)


@login_required
@require_GET
def pick(request):
    """At most ten documents whose number or title matches ``q``, for the pickers."""
    found = documents.find(request.user, (request.GET.get("q") or "")[:300])
    results = [
        {
            "value": documents.label(d),
            "label": documents.label(d),
            "name": d.number,
            "detail": (d.title or d.issuer)[:120],
        }
        for d in found
    ]
    return JsonResponse(
        {"count": len(results), "results": results}, json_dumps_params={"ensure_ascii": False}
    )
