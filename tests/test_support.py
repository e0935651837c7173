"""The shared helpers can fail: ``assert_refused`` catches a call that is not refused, a
refusal naming another field or saying nothing, and a refused call that wrote a row or an
audit entry."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dangbo.core import audit
from dangbo.demo.choices import DemoAudit
from tests.support import assert_refused, counts

pytestmark = pytest.mark.django_db


def refuse(field="name", message="Tên: bắt buộc."):
    raise ValidationError({field: [message]})


def test_a_clean_refusal_passes_and_returns_the_message():
    assert assert_refused((get_user_model(),), "name", refuse) == "Tên: bắt buộc."


def test_a_call_that_is_not_refused_fails():
    with pytest.raises(pytest.fail.Exception):
        assert_refused((), "name", lambda: None)


@pytest.mark.parametrize(
    "kwargs", [{"field": "code"}, {"message": ""}], ids=["another field", "empty message"]
)
def test_a_refusal_naming_another_field_or_saying_nothing_fails(kwargs):
    with pytest.raises(AssertionError):
        assert_refused((), "name", refuse, **kwargs)


def test_a_refused_call_that_wrote_a_row_fails():
    def writes_then_refuses():
        get_user_model().objects.create_user("ghost")
        refuse()

    with pytest.raises(AssertionError, match="wrote something"):
        assert_refused((get_user_model(),), "name", writes_then_refuses)


def test_a_refused_call_that_wrote_to_the_audit_log_fails():
    def audits_then_refuses():
        audit.record(actor=None, action=DemoAudit.LOADED, object_type="test", object_id="1")
        refuse()

    with pytest.raises(AssertionError, match="wrote something"):
        assert_refused((), "name", audits_then_refuses)


def test_counts_by_model_name():
    user = get_user_model()
    before = counts(user)
    user.objects.create_user("someone")
    assert counts(user) == {user.__name__: before[user.__name__] + 1}
