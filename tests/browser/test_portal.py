"""The public portal on a 390 px phone in Chromium: a reader comments on an article and sees
the committee's answer; a citizen files a petition with a photo, gets its tracking code on
screen and by mail (a real SMTP server on loopback), the commune answers it on the opinion
page and the citizen reads the answer on "Tra cứu phản ánh". The public pages fit the screen,
log no console error, ask no host but the site's own, and axe finds nothing serious."""

import io
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from dangbo.oversight import services as opinions
from dangbo.oversight.choices import OpinionState
from dangbo.portal import services
from dangbo.portal.choices import CommentState
from dangbo.portal.models import Category, Comment, Petition
from dangbo.portal.rules import format_code
from tests.browser.test_a11y import axe_violations, blocking
from tests.portal.smtp import start as start_smtp

pytestmark = pytest.mark.browser
PASSWORD = "pw-test-123"
PHONE = {"width": 390, "height": 844}
TOPIC = "Hạ tầng, giao thông, xây dựng"
COMMUNE = "Đảng bộ xã Kim Long"
READER_EMAIL = "ban-doc.lan@example.org"
CITIZEN_EMAIL = "hung.le@example.org"


@pytest.fixture
def portal(settings, tmp_path):
    """The portal belongs to Tam Dương; the fill-time guard at 0 s (tests type fast); its
    pictures under a temporary data folder. The live server runs in this process, so the
    overrides reach it."""
    settings.DATA_DIR = tmp_path
    settings.PORTAL = {**settings.PORTAL, "ORG": "tam-duong", "MIN_FILL_SECONDS": 0}
    return settings.PORTAL


@pytest.fixture
def smtp(settings):
    controller, inbox = start_smtp(settings)
    yield inbox
    controller.stop()


def _png(tmp_path, name="anh.png", size=(800, 600)):
    path = tmp_path / name
    image = PILImage.new("RGB", size, (40, 120, 200))
    for x in range(0, size[0], 40):  # something to compress: not one flat colour
        for y in range(0, size[1], 40):
            image.putpixel((x, y), (250, 250, 0))
    image.save(path, "PNG")
    return path


def _article(world, *, with_image=False):
    """Written by ``staff``, approved by ``admin`` (four eyes), public since an hour ago."""
    category = Category.objects.get_or_create(slug="tin-tuc", defaults={"name": "Tin tức"})[0]
    body = "## Kết quả\n\nĐoạn thứ nhất của bài viết.\n\n- ý một\n- ý hai"
    if with_image:
        body += "\n\n[ảnh 1]\n\nĐoạn cuối."
    staff, admin = world.users["staff"], world.users["admin"]
    article = services.create_article(
        actor=staff,
        org=world.org("tam-duong"),
        data=services.ArticleInput(
            title="Hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm",
            lead="Huyện ủy Tam Dương sơ kết 6 tháng đầu năm, triển khai nhiệm vụ cuối năm.",
            body=body,
            author_name="Văn phòng Huyện ủy",
            category=category,
            tags="xây dựng Đảng, sơ kết",
        ),
    )
    if with_image:
        out = io.BytesIO()
        PILImage.new("RGB", (1200, 800), (180, 30, 30)).save(out, "JPEG", quality=80)
        out.seek(0)
        out.name = "hoi-nghi.jpg"
        services.add_image(actor=staff, article=article, upload=out, caption="Quang cảnh hội nghị")
    services.submit_article(actor=staff, article=article)
    return services.publish_article(
        actor=admin, article=article, publish_at=timezone.now() - timedelta(hours=1)
    )


class Watch:
    """What a page does behind the scenes: console errors, uncaught exceptions, and every
    request to a host other than the live server's."""

    def __init__(self, page, base: str):
        self.own = urlsplit(base).netloc
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.requests = 0
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(msg.text)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")

    def _request(self, request) -> None:
        self.requests += 1
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.own:
            self.foreign.append(request.url)

    def check(self) -> None:
        assert self.requests > 0
        assert not self.errors, self.errors
        assert not self.foreign, self.foreign


def _login(page, base, username):
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: reverse("login") not in url)


def _staff_page(browser_page, base, username):
    """A second browser (its own cookies) for the staff, beside the citizen's."""
    context = browser_page.context.browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    _login(page, base, username)
    return page


def _fits(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _wait_for_mail(inbox, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) >= count, inbox.subjects()


def test_a_reader_comments_and_reads_the_answer(
    flushable_audit, live_server, world, portal, browser_page
):
    article = _article(world)
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    watch = Watch(page, base)
    url = base + reverse("portal:article", args=[article.slug])

    page.goto(url)
    assert article.title in page.locator("h1").inner_text()
    heading = page.get_by_role("heading", name="Ý kiến của bạn", exact=True)
    heading.scroll_into_view_if_needed()
    page.fill("#id_name", "Nguyễn Thị Lan")
    page.fill("#id_email", READER_EMAIL)
    page.fill("#id_text", "Đề nghị Huyện ủy đăng thêm số liệu của từng xã.")
    page.check("#id_consent")
    assert _fits(page) <= PHONE["width"]
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/?da-gui=1*")
    thanks = page.locator("p.ok[role=status]")
    assert "Cảm ơn bạn" in thanks.inner_text()
    assert "Chưa có ý kiến nào được đăng" in page.locator("#y-kien").inner_text()  # moderated
    comment = Comment.objects.get(article=article)
    assert comment.state == CommentState.PENDING and comment.email == READER_EMAIL

    # The district's staff answers it from the newsroom (another browser, logged in).
    staff = _staff_page(page, base, "staff")
    staff.goto(base + reverse("newsroom:comments"))
    staff.click(f"a[href='{reverse('newsroom:comment', args=[comment.pk])}']")
    staff.wait_for_url(f"**{reverse('newsroom:comment', args=[comment.pk])}")
    assert READER_EMAIL in staff.locator("main").inner_text()  # staff see the address
    staff.fill("#id_answer", "Cảm ơn bạn; số liệu từng xã sẽ được đăng trong bài tới.")
    staff.get_by_role("button", name="Đăng trả lời").click()
    staff.wait_for_selector("text=Đã đăng trả lời")
    staff.context.close()

    # The reader reloads the article: the comment and the answer, never the email.
    page.goto(url)
    section = page.locator("#y-kien").inner_text()
    assert "Nguyễn Thị Lan" in section
    assert "Đề nghị Huyện ủy đăng thêm số liệu" in section
    assert "Trả lời của cấp ủy" in section
    assert "số liệu từng xã sẽ được đăng trong bài tới" in section
    html = page.content()
    assert READER_EMAIL not in html and "ban-doc.lan" not in html
    assert _fits(page) <= PHONE["width"]
    watch.check()


def test_a_citizen_files_a_petition_and_reads_the_answer(
    flushable_audit, live_server, world, portal, smtp, browser_page, tmp_path
):
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    watch = Watch(page, base)
    photo = _png(tmp_path)

    page.goto(base + reverse("portal:home"))
    page.locator("main").get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    page.wait_for_url(f"**{reverse('portal:petition')}")
    page.select_option("#id_topic", label=TOPIC)
    page.select_option("#id_org", label=COMMUNE)
    page.fill("#id_place", "Thôn Đồng Bông")
    page.fill("#id_text", "Đèn đường thôn Đồng Bông không sáng đã hai tuần.")
    page.set_input_files("#id_images", str(photo))
    page.fill("#id_name", "Lê Văn Hùng")
    page.fill("#id_email", CITIZEN_EMAIL)
    page.check("#id_consent")
    assert _fits(page) <= PHONE["width"]
    page.get_by_role("button", name="Gửi phản ánh").click()
    code_on_screen = page.locator("#ma-tra-cuu").inner_text().strip()
    assert code_on_screen.startswith("PA-") and len(code_on_screen) == 12
    assert "Mã cũng đã được gửi đến email của bạn" in page.locator("main").inner_text()
    assert _fits(page) <= PHONE["width"]

    petition = Petition.objects.select_related("opinion__topic", "opinion__org").get()
    assert format_code(petition.code) == code_on_screen
    assert petition.opinion.topic.name == TOPIC and petition.opinion.org.code == "kim-long"
    assert petition.images.count() == 1

    # The receipt, from the real SMTP server: to the citizen, carrying the same code.
    _wait_for_mail(smtp, 1)
    assert smtp.messages[0]["X-Rcpt-To"] == CITIZEN_EMAIL
    assert code_on_screen in smtp.subjects()[0]
    assert f"Mã tra cứu: {code_on_screen}" in smtp.bodies()[0]

    # The district sends it to the commune; the commune's staff answers on the opinion page.
    opinions.assign_opinion(
        actor=world.users["admin"],
        opinion=petition.opinion,
        to_org=world.org("kim-long"),
        deadline=timezone.localdate() + timedelta(days=15),
    )
    commune = _staff_page(page, base, "sensitive_staff")
    commune.goto(base + reverse("oversight:opinion", args=[petition.opinion_id]))
    answer = "Xã đã thay bóng đèn và kiểm tra toàn tuyến ngày hôm qua."
    commune.fill("#id_answer-answer", answer)
    commune.fill("#id_answer-approved_by", "Chủ tịch UBND xã Kim Long")
    commune.click("form[action$='/answer/'] button[type=submit]")
    commune.wait_for_selector("text=Đã trả lời")
    commune.context.close()
    petition.opinion.refresh_from_db()
    assert petition.opinion.state == OpinionState.ANSWERED

    _wait_for_mail(smtp, 2)
    assert smtp.messages[1]["X-Rcpt-To"] == CITIZEN_EMAIL
    assert code_on_screen in smtp.subjects()[1] and answer in smtp.bodies()[1]

    # The citizen looks it up with the code and the email.
    page.goto(base + reverse("portal:home"))
    page.locator("nav.sections").get_by_role("link", name="Tra cứu phản ánh").click()
    page.wait_for_url(f"**{reverse('portal:status')}")
    page.fill("#id_code", code_on_screen.lower().replace("-", " "))  # as a person types it
    page.fill("#id_email", CITIZEN_EMAIL.upper())
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    result = page.locator("section.box")
    result.wait_for()
    text = result.inner_text()
    assert "Đã trả lời" in text and answer in text and code_on_screen in text
    assert CITIZEN_EMAIL not in page.content()
    assert _fits(page) <= PHONE["width"]
    watch.check()


def test_portal_pages_fit_a_phone_and_stay_on_the_site(
    flushable_audit, live_server, world, portal, browser_page
):
    """Home, an article with a picture, the petition form, the status page (empty and with a
    result): no horizontal scroll at 390 px, no console error, no other host asked."""
    article = _article(world, with_image=True)
    from dangbo.oversight.models import OpinionTopic

    petition = services.submit_petition(
        data=services.PetitionInput(
            topic=OpinionTopic.objects.get(name=TOPIC),
            org=world.org("kim-long"),
            place="",
            text="Đường liên thôn xuống cấp.",
        )
    )
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    watch = Watch(page, base)
    widths = {}
    for path in (
        reverse("portal:home"),
        reverse("portal:article", args=[article.slug]),
        reverse("portal:petition"),
        reverse("portal:status"),
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy pictures load
        page.wait_for_load_state("networkidle")
        widths[path] = _fits(page)
    # The picture is served by the site itself, at a width the phone asked for.
    page.goto(base + reverse("portal:article", args=[article.slug]))
    img = page.locator("figure img")
    img.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('figure img').complete")
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 0
    assert urlsplit(page.evaluate("document.querySelector('figure img').currentSrc")).netloc == (
        urlsplit(base).netloc
    )
    # The status page with a result (an anonymous petition: the code alone opens it).
    page.goto(base + reverse("portal:status"))
    page.fill("#id_code", format_code(petition.code))
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    page.locator("section.box").wait_for()
    widths["status (result)"] = _fits(page)
    too_wide = {k: v for k, v in widths.items() if v > PHONE["width"]}
    assert not too_wide, too_wide
    watch.check()


def test_article_and_petition_pages_have_no_serious_axe_violations(
    flushable_audit, live_server, world, portal, browser_page
):
    article = _article(world, with_image=True)
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    problems = {}
    for path in (
        reverse("portal:article", args=[article.slug]),
        reverse("portal:petition"),
    ):
        page.goto(base + path)
        found = blocking(axe_violations(page))
        if found:
            problems[path] = found
    # and the petition form sent back with its errors (nothing filled in)
    page.goto(base + reverse("portal:petition"))
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_selector(".field.bad")
    found = blocking(axe_violations(page))
    if found:
        problems["petition (errors)"] = found
    assert not problems, problems
