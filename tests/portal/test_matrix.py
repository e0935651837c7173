"""Who may do what in the newsroom: every role × every staff page, against a table written
out by hand. Anonymous → the login page; no right to change anything anywhere → 404 (the
newsroom does not exist for them, as every page dangbo refuses); an object outside the
user's scope → 404 (as if missing); in scope → the page (200) or the action's redirect (302);
a rule that says no to someone in scope (four eyes) → 403, or back to the page with the
reason and nothing changed. The district's articles are out of scope
for Kim Long's staff, Kim Long's own article is not. The public pages answer everyone."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dangbo.portal import services
from dangbo.portal.choices import ArticleState, CommentState
from dangbo.portal.models import Article, Comment

from .conftest import article_input, png

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to the login page
SAID_NO = "said no"  # back to the article (302) with the reason, nothing changed

ACTIONS = (
    "index",
    "create",
    "create_post",
    "article",
    "commune_article",
    "publish",
    "comment",
    "approve",
    "image",
)
NO_CHANGE = (404,) * len(ACTIONS)
# fmt: off
EXPECTED = {  # role: one answer per action, in the order of ACTIONS
    "anonymous":       (LOGIN,) * len(ACTIONS),
    "member":          NO_CHANGE,
    "secretary":       NO_CHANGE,
    "committee":       NO_CHANGE,
    "auditor":         NO_CHANGE,
    # The district's staff wrote the article under review: they may not approve it.
    "staff":           (200, 200, 302, 200, 200, SAID_NO, 200, 302, 200),
    # Kim Long's staff: the district's articles are outside their scope, Kim Long's are not;
    # and the portal belongs to the district, so they may not write for it.
    "sensitive_staff": (200, 200, 403, 404, 200, 404, 404, 404, 404),
    "outsider":        (200, 200, 403, 404, 404, 404, 404, 404, 404),
    "admin":           (200, 200, 302, 200, 200, 302, 200, 302, 200),
}
# fmt: on


@pytest.fixture
def things(world, category, published):
    """A district article in review (by staff, with a picture), one of Kim Long's, and a
    pending comment under the published article."""
    staff = world.users["staff"]
    review = services.create_article(
        actor=staff,
        org=world.org("tam-duong"),
        data=article_input(category, title="Bài chờ duyệt"),
    )
    placed = services.add_image(actor=staff, article=review, upload=png(64, 48))
    services.submit_article(actor=staff, article=review)
    commune = services.create_article(
        actor=world.users["sensitive_staff"],
        org=world.org("kim-long"),
        data=article_input(category, title="Tin xã Kim Long"),
    )
    comment = services.submit_comment(
        article=published, name="Bạn đọc", email="bd@example.org", text="Hay.", consent=True
    )
    return {"review": review, "commune": commune, "comment": comment, "image": placed.image}


def _article_form(category) -> dict:
    return {
        "title": "Bài mới",
        "lead": "Tóm tắt.",
        "body": "Nội dung.",
        "author_name": "Văn phòng",
        "category": category.pk,
    }


def request(client, action: str, t: dict, category):
    """Send ``action``'s request; answer the response."""
    review, comment, image = t["review"], t["comment"], t["image"]
    get, post = client.get, client.post
    return {
        "index": lambda: get(reverse("newsroom:index")),
        "create": lambda: get(reverse("newsroom:article_create")),
        "create_post": lambda: post(reverse("newsroom:article_create"), _article_form(category)),
        "article": lambda: get(reverse("newsroom:article", args=[review.pk])),
        "commune_article": lambda: get(reverse("newsroom:article", args=[t["commune"].pk])),
        "publish": lambda: post(reverse("newsroom:article_action", args=[review.pk, "dang"])),
        "comment": lambda: get(reverse("newsroom:comment", args=[comment.pk])),
        "approve": lambda: post(
            reverse("newsroom:comment", args=[comment.pk]), {"action": "duyet"}
        ),
        "image": lambda: get(reverse("newsroom:image", args=[image.token, image.widths[0]])),
    }[action]()


def changed(action: str, t: dict) -> bool:
    """Whether the action left its mark (only an allowed one may)."""
    if action == "create_post":
        return Article.objects.filter(title="Bài mới").exists()
    if action == "publish":
        return Article.objects.get(pk=t["review"].pk).state == ArticleState.PUBLISHED
    if action == "approve":
        return Comment.objects.get(pk=t["comment"].pk).state == CommentState.APPROVED
    return False


CASES = [
    pytest.param(role, action, answers[i], id=f"{role}-{action}")
    for role, answers in EXPECTED.items()
    for i, action in enumerate(ACTIONS)
]


@pytest.mark.parametrize(("role", "action", "expected"), CASES)
def test_newsroom_matrix(world, client, category, things, role, action, expected):
    if role != "anonymous":
        client.force_login(world.users[role])
    response = request(client, action, things, category)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == SAID_NO:
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
            said = [str(m) for m in get_messages(response.wsgi_request)]
            assert any("không tự duyệt" in m for m in said), said
    else:
        assert response.status_code == expected, f"{role} {action}: {response.status_code}"
    assert changed(action, things) is (expected == 302)


def test_the_table_names_every_role_of_the_world():
    from tests.conftest import ROLE_SCOPES

    assert set(ROLE_SCOPES) | {"member", "anonymous"} == set(EXPECTED)
    assert all(len(row) == len(ACTIONS) for row in EXPECTED.values())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_public_pages_answer_everyone(world, client, published, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    for path in (
        reverse("portal:home"),
        reverse("portal:article", args=[published.slug]),
        reverse("portal:petition"),
        reverse("portal:status"),
        reverse("portal:search") + "?q=so+ket",
    ):
        assert client.get(path).status_code == 200, (role, path)
