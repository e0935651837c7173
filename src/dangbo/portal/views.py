"""The newsroom: the staff side of the portal (articles, their images, the moderation queue,
comments turned into opinions). Thin: parse, call one service, render; scoped by
``core.scope`` — out of scope is 404, a right not held is 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangbo.core import scope
from dangbo.core.views import apply_service_errors, history_of, page_of, render_page

from . import forms, images, queries, services
from .choices import ArticleState, CommentState
from .models import Article, ArticleImage, Comment, Image, Petition, PetitionImage


def _staff(request) -> None:
    """The newsroom is for staff (CHANGE somewhere); to anyone else it does not exist (404, as
    every page dangbo refuses)."""
    if not scope.has_any(request.user, scope.CHANGE):
        raise Http404


def _article(request, pk: int) -> Article:
    return scope.get_or_404(
        Article.objects.select_related("org", "category", "created_by", "reviewed_by"),
        request.user,
        scope.CHANGE,
        pk=pk,
    )


def _input(data: dict) -> services.ArticleInput:
    return services.ArticleInput(
        title=data["title"],
        lead=data["lead"],
        body=data["body"],
        author_name=data["author_name"],
        category=data.get("category"),
        tags=data.get("tags") or "",
        comments_open=bool(data.get("comments_open")),
    )


@login_required
def index(request):
    _staff(request)
    state = request.GET.get("trang-thai") or ""
    articles = queries.staff_articles(request.user).order_by("-updated_at", "-id")
    if state in ArticleState.values:
        articles = articles.filter(state=state)
    return render_page(
        request,
        "portal/staff/index.html",
        {
            "queues": queries.queues(request.user),
            "page": page_of(request, articles),
            "state": state,
            "states": ArticleState.choices,
            "comments": queries.pending_comments(request.user)[:10],
            "portal_prefix": reverse("portal:home"),
        },
    )


@login_required
def article_create(request):
    _staff(request)
    owner = services.portal_org()
    form = forms.ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                actor=request.user, org=owner, data=_input(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu bản nháp “{article.title}”.")
            return redirect("newsroom:article", pk=article.pk)
    return render_page(
        request,
        "portal/staff/article_form.html",
        {"form": form, "article": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def article_edit(request, pk: int):
    article = _article(request, pk)
    initial = {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "author_name": article.author_name,
        "category": article.category,
        "tags": ", ".join(t.name for t in article.tags.all()),
        "comments_open": article.comments_open,
    }
    form = forms.ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_article(
                actor=request.user, article=article, data=_input(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu bài viết.")
            return redirect("newsroom:article", pk=article.pk)
    return render_page(
        request,
        "portal/staff/article_form.html",
        {"form": form, "article": article},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def article(request, pk: int):
    obj = _article(request, pk)
    blocks, rest = queries.article_blocks(obj)
    return render_page(
        request,
        "portal/staff/article.html",
        {
            "article": obj,
            "blocks": blocks,
            "figures": rest,
            "placed": obj.images.select_related("image"),
            "image_form": forms.ImageForm(),
            "publish_form": forms.PublishForm(),
            "reason_form": forms.ReasonForm(),
            "history": history_of(obj, request.user, can_change=True),
            "public": obj.is_public(),
            "own": request.user.pk in (obj.created_by_id, obj.submitted_by_id),
        },
    )


def _at(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)))


@login_required
@require_POST
def article_action(request, pk: int, action: str):
    obj = _article(request, pk)
    try:
        if action == "trinh":
            services.submit_article(actor=request.user, article=obj)
            messages.success(request, "Đã trình duyệt bài viết.")
        elif action == "dang":
            form = forms.PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors)
            services.publish_article(
                actor=request.user,
                article=obj,
                publish_at=_at(form.cleaned_data.get("publish_on")),
                note=form.cleaned_data.get("note") or "",
            )
            messages.success(request, "Đã duyệt đăng bài viết.")
        elif action == "tra-lai":
            services.return_article(
                actor=request.user, article=obj, note=request.POST.get("reason") or ""
            )
            messages.success(request, "Đã trả lại bài viết cho người soạn.")
        elif action == "go":
            services.unpublish_article(
                actor=request.user, article=obj, reason=request.POST.get("reason") or ""
            )
            messages.success(request, "Đã gỡ bài viết khỏi Cổng thông tin.")
        elif action == "them-anh":
            form = forms.ImageForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(form.errors)
            placed = services.add_image(
                actor=request.user,
                article=obj,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data.get("caption") or "",
                alt=form.cleaned_data.get("alt") or "",
            )
            messages.success(
                request,
                f"Đã thêm ảnh số {placed.number}: đặt vào bài bằng dòng “[ảnh {placed.number}]”.",
            )
        else:
            raise Http404
    except PermissionDenied as exc:  # e.g. the author approving their own article
        messages.error(request, str(exc))
    except ValidationError as exc:
        for msgs in (
            exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        ).values():
            for msg in msgs:
                messages.error(request, msg)
    return redirect("newsroom:article", pk=obj.pk)


@login_required
@require_POST
def image_remove(request, pk: int):
    placed = ArticleImage.objects.select_related("article__org").filter(pk=pk).first()
    if placed is None or not scope.covers(request.user, scope.CHANGE, placed.article.org):
        raise Http404
    article_pk = placed.article_id
    try:
        services.remove_image(actor=request.user, placed=placed)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    return redirect("newsroom:article", pk=article_pk)


@login_required
def staff_image(request, token: str, width: int):
    """A picture for staff: an article's in their scope, or a petition's in their sight."""
    image = Image.objects.filter(token=token).first()
    if image is None or width not in image.widths:
        raise Http404
    placed = ArticleImage.objects.filter(image=image).select_related("article__org").first()
    if placed is not None and scope.covers(request.user, scope.CHANGE, placed.article.org):
        return images.response(token, width, public=False)
    attached = PetitionImage.objects.filter(image=image).select_related("petition").first()
    if (
        attached is not None
        and queries.portal_opinions(request.user).filter(petition=attached.petition).exists()
    ):
        return images.response(token, width, public=False)
    raise Http404


# ---------------------------------------------------------------- comments


@login_required
def comments(request):
    _staff(request)
    state = request.GET.get("trang-thai") or CommentState.PENDING
    qs = queries.staff_comments(request.user)
    if state in CommentState.values:
        qs = qs.filter(state=state)
    return render_page(
        request,
        "portal/staff/comments.html",
        {
            "page": page_of(request, qs.order_by("received_at", "id")),
            "state": state,
            "states": CommentState.choices,
        },
    )


@login_required
def comment(request, pk: int):
    obj = scope.get_or_404(
        Comment.objects.select_related("article__org", "opinion"), request.user, scope.CHANGE, pk=pk
    )
    owner = obj.article.org
    to_opinion = forms.ToOpinionForm(
        request.POST if request.method == "POST" else None, owner=owner, prefix="yk"
    )
    answer = forms.AnswerForm(
        request.POST if request.method == "POST" else None, initial={"answer": obj.answer}
    )
    reason = forms.ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "duyet":
                services.approve_comment(actor=request.user, comment=obj)
                messages.success(request, "Đã đăng ý kiến.")
            elif action == "tu-choi":
                services.reject_comment(
                    actor=request.user, comment=obj, reason=request.POST.get("reason") or ""
                )
                messages.success(request, "Đã không đăng ý kiến.")
            elif action == "tra-loi":
                services.answer_comment(
                    actor=request.user, comment=obj, answer=request.POST.get("answer") or ""
                )
                messages.success(request, "Đã đăng trả lời.")
            elif action == "chuyen":
                if not to_opinion.is_valid():
                    raise ValidationError({k: v for k, v in to_opinion.errors.items()})
                data = to_opinion.cleaned_data
                opinion = services.comment_to_opinion(
                    actor=request.user,
                    comment=obj,
                    topic=data["topic"],
                    org=data["org"],
                    assign_to=data.get("assign_to"),
                    deadline=data.get("deadline"),
                )
                messages.success(request, f"Đã chuyển thành ý kiến #{opinion.pk}.")
            else:
                raise Http404
        except ValidationError as exc:
            target = {"chuyen": to_opinion, "tra-loi": answer, "tu-choi": reason}.get(action or "")
            if target is not None:
                target._errors = target._errors or {}
                # A form never validated here (answer, reason) has no cleaned_data yet, which
                # add_error needs.
                if not hasattr(target, "cleaned_data"):
                    target.cleaned_data = {}
                apply_service_errors(target, exc)
            else:
                for msg in exc.messages:
                    messages.error(request, msg)
            status = 400
        else:
            return redirect("newsroom:comment", pk=obj.pk)
    return render_page(
        request,
        "portal/staff/comment.html",
        {
            "comment": obj,
            "to_opinion": to_opinion,
            "answer_form": answer,
            "reason_form": reason,
            "history": history_of(obj, request.user, can_change=True),
        },
        status=status,
    )


@login_required
@require_POST
def petition_publish(request, pk: int):
    petition = scope.get_or_404(
        Petition.objects.select_related("opinion__received_by"), request.user, scope.CHANGE, pk=pk
    )
    # Publishing is the receiving committee's: to a commune's staff, who see the petition
    # about their commune, the operation does not exist (404, as opinion operations).
    if not scope.covers(request.user, scope.CHANGE, petition.opinion.received_by):
        raise Http404
    try:
        services.publish_petition(
            actor=request.user, petition=petition, published=request.POST.get("published") == "1"
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, "Đã cập nhật việc công khai trả lời.")
    return redirect("oversight:opinion", pk=petition.opinion_id)
