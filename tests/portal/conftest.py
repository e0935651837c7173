"""Portal fixtures: the portal belongs to Tam Dương (the test world's district), the form
guards are relaxed unless a test exercises them, pictures go to a temporary data folder."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from dangbo.portal import services
from dangbo.portal.models import Category


@pytest.fixture(autouse=True)
def portal_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.PORTAL = {
        **settings.PORTAL,
        "ORG": "tam-duong",
        "MIN_FILL_SECONDS": 0,
        "RATE_PER_ADDRESS": 5,
        "RATE_PER_EMAIL": 3,
    }
    return settings.PORTAL


def png(width=640, height=480, color=(200, 30, 30), fmt="PNG", **save) -> io.BytesIO:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(out, fmt, **save)
    out.seek(0)
    out.name = f"anh.{fmt.lower()}"
    return out


@pytest.fixture
def category(db):
    return Category.objects.get_or_create(slug="tin-tuc", defaults={"name": "Tin tức"})[0]


def article_input(category, **over):
    data = {
        "title": "Hội nghị sơ kết công tác xây dựng Đảng",
        "lead": "Huyện ủy sơ kết 6 tháng đầu năm.",
        "body": "## Kết quả\n\nĐoạn thứ nhất.\n\n- ý một\n- ý hai",
        "author_name": "Văn phòng Huyện ủy",
        "category": category,
        "tags": "xây dựng Đảng, sơ kết",
    }
    data.update(over)
    return services.ArticleInput(**data)


@pytest.fixture
def published(world, category):
    """An article written by ``staff``, approved by ``admin``, public since an hour ago."""
    article = services.create_article(
        actor=world.users["staff"], org=world.org("tam-duong"), data=article_input(category)
    )
    services.submit_article(actor=world.users["staff"], article=article)
    return services.publish_article(
        actor=world.users["admin"],
        article=article,
        publish_at=timezone.now() - timedelta(hours=1),
    )
