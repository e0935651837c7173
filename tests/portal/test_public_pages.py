"""The public portal through an anonymous browser: only public articles anywhere (home,
sections, search, feed, sitemap, pictures), no email ever shown, forms guarded (consent,
honeypot, fill time, stamp, rate limit, CSRF) and refusals that keep nothing, petitions
with a tracking code, a status page that reveals nothing to a wrong email, and pages that
set no session, load nothing from elsewhere and never answer 500."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangbo.oversight import services as opinions
from dangbo.oversight.choices import OpinionChannel
from dangbo.oversight.models import Opinion, OpinionTopic
from dangbo.portal import services, throttle
from dangbo.portal.choices import CommentState
from dangbo.portal.models import Comment, Image, Petition, PetitionImage, Submission
from dangbo.privacy.models import DataRequest
from tests.support import counts

from .conftest import article_input, png
from .test_images import _bomb_png

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CODE = re.compile(r"PA-[0-9A-Z]{4}-[0-9A-Z]{4}")
EMAIL = "ban.doc@example.org"


# ---------------------------------------------------------------- the world of articles


def make_article(world, category, title, *, when="public", image=False, **over):
    """An article of Tam Dương by ``staff`` at the stage ``when``: draft, scheduled (in two
    days), public (an hour ago) or unpublished. Its words are its title's only, so that a
    search finds exactly the articles it should."""
    staff, admin = world.users["staff"], world.users["admin"]
    data = {"lead": f"Tóm tắt: {title}.", "body": f"Nội dung bài {title}.", "tags": ""}
    data.update(over)
    article = services.create_article(
        actor=staff, org=world.org("tam-duong"), data=article_input(category, title=title, **data)
    )
    if image:
        services.add_image(
            actor=staff,
            article=article,
            upload=png(1200, 800),
            caption="Toàn cảnh hội nghị",
            alt="Các đại biểu dự hội nghị",
        )
    if when == "draft":
        return article
    services.submit_article(actor=staff, article=article)
    at = timezone.now() + (timedelta(days=2) if when == "scheduled" else -timedelta(hours=1))
    article = services.publish_article(actor=admin, article=article, publish_at=at)
    if when == "unpublished":
        article = services.unpublish_article(actor=admin, article=article, reason="Sai số liệu")
    return article


@pytest.fixture
def four(world, category):
    """One article of each kind: only "public" may ever show."""
    return {
        when: make_article(world, category, f"Bài {label}", when=when)
        for when, label in [
            ("public", "công khai"),
            ("draft", "bản nháp"),
            ("scheduled", "hẹn giờ"),
            ("unpublished", "đã gỡ"),
        ]
    }


HIDDEN = ("draft", "scheduled", "unpublished")


def url(name, *args) -> str:
    return reverse(f"portal:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- listings


def test_home_lists_only_public_articles(client, four):
    """Drafts, articles scheduled for later and unpublished ones never reach the home page."""
    html = page(client.get(url("home")))
    assert four["public"].title in html
    for when in HIDDEN:
        assert four[when].title not in html, when


def test_category_and_tag_pages_list_only_public_articles(world, client, category, four):
    tagged = make_article(world, category, "Bài có từ khóa", tags="Chuyển đổi số")
    make_article(world, category, "Nháp có từ khóa", when="draft", tags="Chuyển đổi số")
    html = page(client.get(url("category", category.slug)))
    assert four["public"].title in html and tagged.title in html
    for when in HIDDEN:
        assert four[when].title not in html, when
    response = client.get(url("tag", "chuyen-doi-so"))
    assert response.status_code == 200
    assert tagged.title in page(response)
    assert four["public"].title not in page(response)
    assert "Nháp có từ khóa" not in page(response)
    assert client.get(url("category", "khong-co")).status_code == 404


@pytest.mark.parametrize("typed", ["so ket", "SƠ KẾT", "Sơ Kết"])
def test_search_folds_accents_and_case(world, client, category, typed):
    """ "so ket" and "SƠ KẾT" both find "sơ kết"; a draft with the words is never found."""
    found = make_article(world, category, "Hội nghị sơ kết 6 tháng")
    other = make_article(world, category, "Khai giảng lớp bồi dưỡng")
    make_article(world, category, "Sơ kết chưa duyệt", when="draft")
    html = page(client.get(url("search"), {"q": typed}))
    assert found.title in html
    assert other.title not in html
    assert "Sơ kết chưa duyệt" not in html


def test_feed_is_valid_atom_listing_public_articles_only(client, four):
    response = client.get(url("feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output; raises if malformed
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == [four["public"].title]


def test_sitemap_lists_public_articles_only(client, four):
    response = client.get(url("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    locs = [e.findtext(f"{SITEMAP}loc") for e in root.iter(f"{SITEMAP}url")]
    assert len(locs) == 1 and locs[0].endswith(url("article", four["public"].slug))


# ---------------------------------------------------------------- an article's page


@pytest.fixture
def pictured(world, category):
    return make_article(
        world,
        category,
        "Hội nghị có ảnh",
        image=True,
        body="## Diễn biến\n\nĐoạn mở đầu.\n\n[ảnh 1]\n\n- Ý thứ nhất\n- Ý thứ hai",
    )


def test_article_page_shows_blocks_and_figures(client, pictured):
    html = page(client.get(url("article", pictured.slug)))
    assert "<h2>Diễn biến</h2>" in html
    assert "<p>Đoạn mở đầu.</p>" in html
    assert "<li>Ý thứ nhất</li>" in html and "<li>Ý thứ hai</li>" in html
    image = pictured.images.get().image
    img = re.search(r"<img [^>]*>", html).group(0)
    assert f'width="{image.width}"' in img and f'height="{image.height}"' in img
    assert 'alt="Các đại biểu dự hội nghị"' in img
    srcset = re.search(r'srcset="([^"]*)"', img).group(1)
    assert [w for w in image.widths] == [480, 960, 1200]
    for width in image.widths:
        assert f"{url('image', image.token, width)} {width}w" in srcset
    assert "<figcaption>Toàn cảnh hội nghị</figcaption>" in html


def test_approved_comments_show_with_the_answer_and_never_an_email(world, client, pictured):
    shown = services.submit_comment(
        article=pictured,
        name="Trần Thị Mai",
        email="mai@example.org",
        text="Rất bổ ích.",
        consent=True,
    )
    held = services.submit_comment(
        article=pictured,
        name="Người chờ",
        email="cho@example.org",
        text="Chưa duyệt.",
        consent=True,
    )
    services.answer_comment(actor=world.users["staff"], comment=shown, answer="Cảm ơn bạn.")
    html = page(client.get(url("article", pictured.slug)))
    assert "Trần Thị Mai" in html and "Rất bổ ích." in html and "Cảm ơn bạn." in html
    assert "Trả lời của cấp ủy" in html
    assert held.text not in html and held.name not in html
    assert "mai@example.org" not in html and "cho@example.org" not in html


def test_image_is_served_as_inert_jpeg(client, pictured):
    image = pictured.images.get().image
    response = client.get(url("image", image.token, image.widths[0]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert client.get(url("image", image.token, 123)).status_code == 404  # no such width


def test_image_of_an_article_not_public_is_404(world, client, category):
    draft = make_article(world, category, "Nháp có ảnh", when="draft", image=True)
    image = draft.images.get().image
    assert client.get(url("image", image.token, image.widths[0])).status_code == 404


# ---------------------------------------------------------------- the comment form


def guard(**over) -> dict:
    """The fields every public form carries: a fresh stamp, an empty honeypot."""
    return {throttle.STAMP: throttle.stamp(), throttle.HONEYPOT: "", **over}


def comment_data(**over) -> dict:
    data = {"name": "Nguyễn Văn Dân", "email": EMAIL, "text": "Bài viết hay.", "consent": "on"}
    return guard(**{**data, **over})


@pytest.fixture
def public(world, category):
    return make_article(world, category, "Bài nhận ý kiến")


def test_a_comment_is_held_for_moderation(client, public):
    response = client.post(url("article", public.slug), comment_data())
    assert response.status_code == 303
    assert response["Location"] == url("article", public.slug) + "?da-gui=1#y-kien"
    comment = Comment.objects.get()
    assert (comment.state, comment.email, comment.article) == (CommentState.PENDING, EMAIL, public)
    html = page(client.get(response["Location"]))
    assert "Ý kiến đã được gửi" in html
    assert "Bài viết hay." not in html  # not before a moderator approves it


def test_a_comment_without_consent_is_refused(client, public):
    response = client.post(url("article", public.slug), comment_data(consent=""))
    assert response.status_code == 400
    assert "Đồng ý: cần đánh dấu đồng ý" in page(response)
    assert not Comment.objects.exists()


def test_the_honeypot_looks_accepted_and_keeps_nothing(client, public):
    response = client.post(url("article", public.slug), comment_data(website="http://spam"))
    assert response.status_code == 303
    assert not Comment.objects.exists() and not Submission.objects.exists()


def test_a_form_sent_too_fast_is_refused(client, public, settings):
    settings.PORTAL = {**settings.PORTAL, "MIN_FILL_SECONDS": 3}
    response = client.post(url("article", public.slug), comment_data())
    assert response.status_code == 400
    assert "gửi quá nhanh" in page(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("stamp", ["", "1700000000", "MTcwMDAwMDAwMA:forged:signature"])
def test_a_forged_or_missing_stamp_is_refused(client, public, stamp):
    response = client.post(url("article", public.slug), comment_data(started=stamp))
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in page(response)
    assert not Comment.objects.exists()


def test_the_sixth_post_from_one_address_is_refused_for_a_while(client, public):
    """Five per address in the window: the sixth is 429 with Retry-After, the five kept."""
    target = url("article", public.slug)
    for n in range(5):  # a different email each: the per-email limit stays out of the way
        response = client.post(target, comment_data(email=f"nguoi{n}@example.org"))
        assert response.status_code == 303, n
    response = client.post(target, comment_data(email="nguoi6@example.org"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Vui lòng thử lại sau" in page(response)
    assert Comment.objects.count() == 5
    assert not Comment.objects.filter(email="nguoi6@example.org").exists()


def test_markup_is_stored_as_typed_and_shown_escaped(world, client, public):
    script = "<script>alert('x')</script>"
    response = client.post(
        url("article", public.slug),
        comment_data(name=f"<b>Tên</b>{script}", text=f'<img src=x onerror="alert(1)"> {script}'),
    )
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.name == f"<b>Tên</b>{script}"
    assert comment.text == f'<img src=x onerror="alert(1)"> {script}'
    services.approve_comment(actor=world.users["staff"], comment=comment)
    html = page(client.get(url("article", public.slug)))
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Tên&lt;/b&gt;" in html and "&lt;img src=x" in html
    assert "<script" not in html and "<img src=x" not in html


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("name", "Nguyễn\x07Văn", "Họ tên: có ký tự điều khiển không hợp lệ (U+0007)"),
        ("text", "Ý kiến\x1bcó ký tự lạ", "Ý kiến: có ký tự điều khiển không hợp lệ (U+001B)"),
        ("text", "Ý kiến\x00có ký tự lạ", None),  # Django's own check: shown under the field
    ],
)
def test_control_characters_are_refused_at_their_field(client, public, field, value, words):
    response = client.post(url("article", public.slug), comment_data(**{field: value}))
    assert response.status_code == 400
    html = page(response)
    assert f'id="id_{field}-loi"' in html  # the message sits under the field it is about
    if words:
        assert words in html
    assert not Comment.objects.exists()


def test_a_cross_site_post_without_csrf_token_is_refused(public):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(url("article", public.slug), comment_data())
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_comments_on_a_closed_article_are_refused(world, client, category):
    closed = make_article(world, category, "Bài không nhận ý kiến", comments_open=False)
    html = page(client.get(url("article", closed.slug)))
    assert "Gửi ý kiến" not in html
    response = client.post(url("article", closed.slug), comment_data())
    assert response.status_code == 400
    assert not Comment.objects.exists()


# ---------------------------------------------------------------- petitions


PETITION_TEXT = "Đường liên thôn Đồng Bông bị sụt lún sau mưa."
SENDER = "Lê Văn Hùng"
SENDER_EMAIL = "hung@example.org"


def petition_data(world, **over) -> dict:
    data = {
        "topic": OpinionTopic.objects.filter(active=True).order_by("position", "name").first().pk,
        "org": world.org("kim-long").pk,
        "place": "Thôn Đồng Bông",
        "text": PETITION_TEXT,
        "name": SENDER,
        "email": SENDER_EMAIL,
        "consent": "on",
    }
    return guard(**{**data, **over})


def stored_files(settings) -> list:
    folder = settings.DATA_DIR / "portal"
    return sorted(folder.glob("*")) if folder.exists() else []


def nothing_stored(settings) -> bool:
    return (
        counts(Opinion, Petition, PetitionImage, Image)
        == dict.fromkeys(["Opinion", "Petition", "PetitionImage", "Image"], 0)
        and stored_files(settings) == []
    )


def test_a_petition_with_a_picture_gets_a_tracking_code(world, client, settings):
    response = client.post(url("petition"), petition_data(world, images=[png()]))
    assert response.status_code == 200
    code = CODE.search(page(response)).group(0)
    petition = Petition.objects.get()
    assert code == f"PA-{petition.code[:4]}-{petition.code[4:]}"
    opinion = petition.opinion
    assert opinion.channel == OpinionChannel.PORTAL and opinion.text == PETITION_TEXT
    assert opinion.org == world.org("kim-long") and opinion.received_by == world.org("tam-duong")
    assert petition.images.count() == 1 and len(stored_files(settings)) >= 1


def lying_png():
    upload = png()
    upload.seek(0)
    upload.truncate()
    upload.write(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    upload.seek(0)
    upload.name = "anh.png"
    return upload


def bomb():
    upload = png()
    upload.seek(0)
    upload.truncate()
    upload.write(_bomb_png(30_000, 30_000))
    upload.seek(0)
    return upload


@pytest.mark.parametrize(
    ("images", "words"),
    [
        pytest.param(lambda: [lying_png()], "Ảnh kèm theo 1: tệp không phải ảnh", id="lying-type"),
        pytest.param(
            lambda: [png(), lying_png()], "Ảnh kèm theo 2: tệp không phải ảnh", id="second-lies"
        ),
        pytest.param(lambda: [png() for _ in range(4)], "nhiều nhất 3 ảnh", id="four-images"),
        pytest.param(lambda: [bomb()], "quá lớn", id="pixel-bomb"),
    ],
)
def test_a_bad_picture_refuses_the_whole_petition(world, client, settings, images, words):
    """Refused with the reason, and NOTHING kept: no opinion, no petition, no file."""
    response = client.post(url("petition"), petition_data(world, images=images()))
    assert response.status_code == 400
    assert words in page(response)
    assert nothing_stored(settings), (counts(Opinion, Petition, Image), stored_files(settings))


@pytest.mark.parametrize(
    ("over", "words"),
    [
        ({"email": "khong-phai-email"}, "Email:"),
        ({"text": "x" * 8001}, None),
        ({"text": "Chữ\x1bđiều khiển"}, "có ký tự điều khiển"),
        ({"consent": ""}, "Đồng ý:"),
        ({"topic": "999999"}, "Lĩnh vực:"),
        ({"org": str(10**9)}, "Xã, thị trấn:"),
        ({"text": ""}, None),
    ],
    ids=["bad-email", "too-long", "control-char", "no-consent", "no-topic", "bad-org", "empty"],
)
def test_a_bad_petition_is_refused_and_keeps_nothing(world, client, settings, over, words):
    response = client.post(url("petition"), petition_data(world, **over))
    assert response.status_code == 400
    if words:
        assert words in page(response)
    assert nothing_stored(settings)


def test_an_org_outside_the_portal_is_not_a_choice(world, client, settings):
    response = client.post(url("petition"), petition_data(world, org=world.org("vt-xa").pk))
    assert response.status_code == 400
    assert nothing_stored(settings)


def test_a_honeypot_petition_looks_sent_and_keeps_nothing(world, client, settings):
    response = client.post(url("petition"), petition_data(world, website="x", images=[png()]))
    assert response.status_code == 200
    assert "Cảm ơn bạn." in page(response) and not CODE.search(page(response))
    assert nothing_stored(settings)


# ---------------------------------------------------------------- the status page


@pytest.fixture
def sent(world, client):
    response = client.post(url("petition"), petition_data(world))
    assert response.status_code == 200
    return CODE.search(page(response)).group(0)


def test_status_shows_the_state_then_the_answer(client, sent):
    response = client.post(url("status"), {"code": sent, "email": SENDER_EMAIL.upper()})
    assert response.status_code == 200
    html = page(response)
    assert sent in html and "Đã tiếp nhận, đang phân loại" in html
    assert SENDER not in html and SENDER_EMAIL not in html
    opinions.answer_opinion(
        actor=None,
        opinion=Petition.objects.get().opinion,
        answer="Đã giao xã sửa đường trong tháng.",
        approved_by="Chủ tịch UBND xã",
    )
    html = page(client.post(url("status"), {"code": sent.lower(), "email": SENDER_EMAIL}))
    assert "Đã trả lời" in html and "Đã giao xã sửa đường trong tháng." in html


@pytest.mark.parametrize(
    "lookup",
    [
        pytest.param(lambda code: {"code": code, "email": "khac@example.org"}, id="wrong-email"),
        pytest.param(lambda code: {"code": code, "email": ""}, id="no-email"),
        pytest.param(lambda code: {"code": "PA-ZZZZ-ZZZZ", "email": SENDER_EMAIL}, id="forged"),
        pytest.param(lambda code: {"code": "not a code", "email": SENDER_EMAIL}, id="garbage"),
    ],
)
def test_status_without_the_right_code_and_email_reveals_nothing(client, sent, lookup):
    response = client.post(url("status"), lookup(sent))
    assert response.status_code == 404
    html = page(response)
    assert "Không tìm thấy phản ánh với mã và email này" in html
    for secret in (PETITION_TEXT, SENDER, "Thôn Đồng Bông", "Đã tiếp nhận, đang phân loại"):
        assert secret not in html


def test_status_is_never_looked_up_from_the_address_bar(client, sent):
    """A GET carrying the code and the email shows the empty form, never the petition."""
    response = client.get(url("status"), {"code": sent, "email": SENDER_EMAIL})
    assert response.status_code == 200
    html = page(response)
    assert "Đã tiếp nhận, đang phân loại" not in html and sent not in html
    assert re.search(r'<form method="post"', html)


# ---------------------------------------------------------------- personal data requests


def test_a_data_request_is_filed_with_its_code_and_deadlines(world, client):
    response = client.post(
        url("data_request"),
        guard(
            kind="delete",
            text="Xin xóa email tôi đã gửi kèm ý kiến.",
            name="Phạm Thị Lan",
            email="lan@example.org",
        ),
    )
    assert response.status_code == 200
    request = DataRequest.objects.get()
    assert (request.kind, request.requester_email) == ("delete", "lan@example.org")
    html = page(response)
    assert request.code in html
    assert f"{request.ack_due:%d/%m/%Y}" in html and f"{request.due:%d/%m/%Y}" in html


def test_a_bad_data_request_is_refused(world, client):
    response = client.post(
        url("data_request"), guard(kind="fly", text="x", name="A", email="not-an-email")
    )
    assert response.status_code == 400
    assert not DataRequest.objects.exists()


# ---------------------------------------------------------------- every page


EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def every_page(world, category) -> list[str]:
    article = make_article(world, category, "Bài đủ thứ", image=True, tags="Tin vắn")
    image = article.images.get().image
    return [
        url("home"),
        url("category", category.slug),
        url("tag", "tin-van"),
        url("search") + "?q=bai",
        url("article", article.slug),
        url("petition"),
        url("status"),
        url("answers"),
        url("data_request"),
        url("image", image.token, image.widths[0]),
        url("feed"),
        url("sitemap"),
    ]


def test_public_pages_set_no_session_and_a_strict_csp(world, client, category):
    for path in every_page(world, category):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "sessionid" not in response.cookies, path
        csp = response["Content-Security-Policy"]
        script_src = re.search(r"(?:script-src|default-src)[^;]*", csp).group(0)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, path


def test_no_portal_page_loads_anything_from_another_host(world, client, category):
    """No script at all, no external font, picture, style or form target: the portal works
    with the district's own server only and tells no third party who reads what."""
    for path in every_page(world, category):
        response = client.get(path)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = page(response)
        assert "<script" not in html.lower(), path
        assert not EXTERNAL.search(html), (path, EXTERNAL.search(html).group(0))
        assert "@import" not in html and "url(" not in html, path


def test_bad_inputs_never_answer_500(world, client, public):
    """Odd queries and posts get a page (or 404), never a server error."""
    tries = [
        ("get", url("home"), {"trang": "-1"}),
        ("get", url("home"), {"trang": "x" * 50}),
        ("get", url("search"), {"q": "\x00" * 5}),
        ("get", url("search"), {"q": "%" * 200}),
        ("get", url("search"), {"q": "' OR 1=1 --"}),
        ("post", url("article", public.slug), {}),
        ("post", url("article", public.slug), {"started": "x", "email": "@"}),
        ("post", url("petition"), {}),
        ("post", url("petition"), guard(topic="abc", org="abc", text="\x7f\u202e")),
        ("post", url("status"), {}),
        ("post", url("status"), {"code": "\x00", "email": "x" * 1000}),
        ("post", url("data_request"), {}),
        ("get", url("article", "khong-co"), {}),
    ]
    for method, path, data in tries:
        response = getattr(client, method)(path, data)
        assert response.status_code < 500, (method, path, data, response.status_code)
