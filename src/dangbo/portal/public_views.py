"""The public pages: no login, no session, nothing of the registry beyond the public names of
organisations. Every form is guarded by ``portal.throttle`` (honeypot, fill time, rate
limits) before a service sees it; a refusal says why in Vietnamese and keeps nothing."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_http_methods

from dangbo.core.middleware import client_ip
from dangbo.core.views import apply_service_errors, page_of

from . import images, queries, services, throttle
from .choices import SubmissionKind
from .forms import CommentForm, DataRequestForm, PetitionForm, StatusForm
from .models import Article, Category, Tag

PER_PAGE = 10
STATUS_RATE_FACTOR = 6  # status look-ups per address: six times the submissions


def _title() -> str:
    from django.conf import settings

    if settings.PORTAL.get("TITLE"):
        return settings.PORTAL["TITLE"]
    try:
        return f"Cổng thông tin {services.portal_org().name}"
    except ValidationError:  # no committee yet (a fresh install): the portal still answers
        return "Cổng thông tin"


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("portal_title", _title())
    context.setdefault("nav_categories", queries.categories())
    response = render(request, template, context, status=status)
    return response


def _refused(request, refusal: throttle.Refusal, template: str, context: dict) -> HttpResponse:
    """A refused post. Over a rate limit: a short page (a flood must cost the server little)
    that still gives a person back what they typed, to send later; otherwise the form again,
    with the reason."""
    if refusal.status == 429:
        response = render(
            request,
            "portal/refused.html",
            {"refusal": refusal.message, "typed": (request.POST.get("text") or "")[:10_000]},
            status=429,
        )
    else:
        context["refusal"] = refusal.message
        response = _render(request, template, context, status=refusal.status)
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def home(request):
    articles = queries.public_articles()
    return _render(
        request,
        "portal/home.html",
        {
            "page": page_of(request, articles, per_page=PER_PAGE),
            "answers": queries.published_answers(3),
        },
    )


def category(request, slug: str):
    cat = get_object_or_404(Category, slug=slug)
    articles = queries.public_articles().filter(category=cat)
    return _render(
        request,
        "portal/list.html",
        {"heading": cat.name, "page": page_of(request, articles, per_page=PER_PAGE)},
    )


def tag(request, slug: str):
    t = get_object_or_404(Tag, slug=slug)
    articles = queries.public_articles().filter(tags=t)
    return _render(
        request,
        "portal/list.html",
        {"heading": f"Từ khóa: {t.name}", "page": page_of(request, articles, per_page=PER_PAGE)},
    )


def search(request):
    q = (request.GET.get("q") or "").strip()[:100]
    results = queries.search(q) if q else Article.objects.none()
    return _render(
        request,
        "portal/search.html",
        {"q": q, "page": page_of(request, results, per_page=PER_PAGE)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def article(request, slug: str):
    obj = get_object_or_404(queries.public_articles().select_related("org"), slug=slug)
    form = CommentForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "sent": request.GET.get("da-gui") == "1"}
    status = 200
    if request.method == "POST":
        refusal = throttle.check_form(request.POST)
        if refusal is None and form.is_valid():
            refusal = throttle.admit(
                SubmissionKind.COMMENT, client_ip(request), form.cleaned_data["email"]
            )
        if refusal is not None and refusal.silent:
            return _sent(obj)
        if refusal is not None:
            context.update(page=queries.article_page(obj))
            return _refused(request, refusal, "portal/article.html", context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_comment(
                    article=obj,
                    name=data["name"],
                    email=data["email"],
                    text=data["text"],
                    consent=data["consent"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return _sent(obj)
        status = 400
    context["page"] = queries.article_page(obj)
    return _render(request, "portal/article.html", context, status=status)


def _sent(obj: Article) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = reverse("portal:article", args=[obj.slug]) + "?da-gui=1#y-kien"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def petition(request):
    try:
        owner = services.portal_org()
    except ValidationError:  # no committee owns the portal yet: nobody could receive it
        return _error(request, 503, "Cổng thông tin chưa sẵn sàng nhận phản ánh, kiến nghị")
    form = PetitionForm(request.POST if request.method == "POST" else None, owner=owner)
    if request.method != "POST":
        return _render(request, "portal/petition.html", {"form": form})
    refusal = throttle.check_form(request.POST)
    if refusal is None and form.is_valid():
        refusal = throttle.admit(
            SubmissionKind.PETITION, client_ip(request), form.cleaned_data.get("email") or ""
        )
    if refusal is not None and refusal.silent:
        return _render(request, "portal/petition_sent.html", {"code": None})
    if refusal is not None:
        return _refused(request, refusal, "portal/petition.html", {"form": form})
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.submit_petition(
                data=services.PetitionInput(
                    topic=data["topic"],
                    org=data.get("org"),
                    place=data.get("place") or "",
                    text=data["text"],
                    name=data.get("name") or "",
                    email=data.get("email") or "",
                    consent=data.get("consent", False),
                    publish_ok=data.get("publish_ok", False),
                    uploads=tuple(f for f in request.FILES.getlist("images") if f.size),
                )
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            from .rules import format_code

            return _render(
                request,
                "portal/petition_sent.html",
                {"code": format_code(sent.code), "mailed": bool(sent.email)},
            )
    return _render(request, "portal/petition.html", {"form": form}, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    """The state of a petition by its code (and the sender's email, where one was given).
    Asked by POST so that the email never sits in an address bar or a server log."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    context: dict = {"form": form}
    if request.method != "POST":
        return _render(request, "portal/status.html", context)
    # A person checks now and then; a guesser checks thousands of codes.
    refusal = throttle.admit(SubmissionKind.STATUS, client_ip(request), factor=STATUS_RATE_FACTOR)
    if refusal is not None:
        return _refused(request, refusal, "portal/status.html", context)
    if not form.is_valid():
        return _render(request, "portal/status.html", context, status=400)
    found = services.find_petition(form.cleaned_data["code"], form.cleaned_data.get("email") or "")
    if found is None:
        context["not_found"] = True
        return _render(request, "portal/status.html", context, status=404)
    context["status"] = queries.status_of(found)
    return _render(request, "portal/status.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def data_request(request):
    """A citizen asks to see, correct or delete their data, restrict or object to its use, or
    withdraw a consent: a request of the privacy workflow, with the law's deadlines."""
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return _render(request, "portal/data_request.html", {"form": form})
    refusal = throttle.check_form(request.POST)
    if refusal is None and form.is_valid():
        refusal = throttle.admit(
            SubmissionKind.DATA_REQUEST, client_ip(request), form.cleaned_data["email"]
        )
    if refusal is not None and refusal.silent:
        return _render(request, "portal/data_request.html", {"form": form, "done": None})
    if refusal is not None:
        return _refused(request, refusal, "portal/data_request.html", {"form": form})
    if form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_data_request(
                kind=data["kind"], text=data["text"], name=data["name"], email=data["email"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _render(request, "portal/data_request.html", {"form": None, "done": filed})
    return _render(request, "portal/data_request.html", {"form": form}, status=400)


def answers(request):
    return _render(request, "portal/answers.html", {"answers": queries.published_answers()})


def image(request, token: str, width: int):
    if not queries.public_image(token, width):
        raise Http404
    return images.response(token, width, public=True)


class LatestFeed(Feed):
    feed_type = Atom1Feed
    description = "Tin bài mới nhất"

    def title(self):
        return _title()

    def link(self):
        return reverse("portal:home")

    def items(self):
        return queries.public_articles()[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_link(self, item: Article) -> str:
        return reverse("portal:article", args=[item.slug])

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author_name

    def item_categories(self, item: Article):
        return [item.category.name]


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return queries.public_articles()

    def location(self, item: Article) -> str:
        return reverse("portal:article", args=[item.slug])

    def lastmod(self, item: Article):
        return item.updated_at


# The error pages of the portal's own host (``host_urls``): the intranet's extend its layout,
# which names pages that host does not have.
ERRORS = {
    400: "Yêu cầu không hợp lệ",
    403: "Không được phép",
    404: "Không tìm thấy trang",
    503: "Tạm thời chưa phục vụ được",
    500: "Hệ thống đang gặp sự cố",
}


def _error(request, status: int, heading: str = "") -> HttpResponse:
    from django.conf import settings

    context: dict = {"heading": heading or ERRORS[status], "nav_categories": []}
    try:
        context["portal_title"] = _title()
    except Exception:  # noqa: BLE001 - an error page must render without the database
        context["portal_title"] = settings.PORTAL.get("TITLE") or "Cổng thông tin"
    return render(request, "portal/error.html", context, status=status)


def bad_request(request, exception=None):
    return _error(request, 400)


def forbidden(request, exception=None):
    return _error(request, 403)


def not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    return _error(request, 500)


def is_portal_request(request) -> bool:
    """Whether ``request`` is for the public portal: on its own host or process, or under its
    prefix on the intranet site."""
    from django.conf import settings

    if getattr(request, "portal_host", False) or settings.ROOT_URLCONF.startswith("dangbo.portal"):
        return True
    return request.path.startswith(f"/{settings.PORTAL['PREFIX']}/")


def csrf_refused(request) -> HttpResponse:
    """The portal's CSRF refusal: the form's page has expired or cookies are off."""
    return _error(
        request,
        403,
        "Biểu mẫu đã hết hạn hoặc trình duyệt chặn cookie: vui lòng tải lại trang rồi gửi lại",
    )
