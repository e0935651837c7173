"""Privacy fixtures: a consent purpose and a processing activity declared for one test, and
removed after it (the register is process-wide)."""

import pytest

from dangbo.core import privacy

PURPOSE = "test.newsletter"
PURPOSE_TEXT = "Tôi đồng ý nhận bản tin; email được xóa khi tôi rút lại sự đồng ý."


@pytest.fixture
def purpose():
    """A consent purpose whose withdrawals are collected in ``purpose.withdrawn``."""
    withdrawn: list[str] = []
    declared = privacy.ConsentPurpose(PURPOSE, 3, PURPOSE_TEXT, withdrawn.append)
    privacy.declare_purpose(declared)
    yield type("Purpose", (), {"code": PURPOSE, "withdrawn": withdrawn, "declared": declared})
    privacy._PURPOSES.pop(PURPOSE, None)


@pytest.fixture
def declare():
    """``declare(activity)``: in the register for this test only."""
    added: list[str] = []

    def add(activity):
        privacy.declare(activity)
        added.append(activity.code)

    yield add
    for code in added:
        privacy._REGISTER.pop(code, None)


@pytest.fixture
def own_register():
    """The register holding this app's activities only (other apps' steps are theirs to
    test), restored after the test."""
    saved = dict(privacy._REGISTER)
    privacy._REGISTER.clear()
    privacy._REGISTER.update({k: v for k, v in saved.items() if k.startswith("privacy.")})
    yield privacy._REGISTER
    privacy._REGISTER.clear()
    privacy._REGISTER.update(saved)
