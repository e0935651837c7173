"""The phrase engine (reports.prose), the Vietnamese wording of figures (reports.wording) and
the office's phrase editor (/bao-cao/mau-cau/)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.models import AuditEntry, RoleGrant
from dangbo.reports import prose, wording
from dangbo.reports.models import ReportPhrase
from tests.support import assert_refused

# ---------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (5475, "trên 5.470"),
        (5470, "5.470"),
        (5471, "trên 5.470"),
        (411, "411"),
        (1234, "trên 1.230"),
        (47, "47"),
        (0, "0"),
        (100, "100"),
        (12345, "trên 12.340"),
    ],
)
def test_over(n, said):
    assert wording.over(n) == said


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([1, 10, 100, 1000]))
def test_over_never_states_more_than_the_figure(n, step):
    said = wording.over(n, step)
    value = int(said.removeprefix("trên ").replace(".", ""))
    assert value <= n
    assert said.startswith("trên ") == (value < n)  # "trên" only when rounding down
    assert n - value < step


def test_fractions_percentages_counts_lists():
    assert wording.fraction(9, 12, "xã") == "9/12 xã"
    assert wording.share(13, 13) == "100%"
    assert wording.share(1, 3) == "33,3%"
    assert wording.pct(10.0) == "10%" and wording.pct(76.2) == "76,2%"
    assert wording.over_pct(10.6) == "trên 10%"
    assert wording.over_pct(10.0) == "10%"
    assert wording.over_pct(0.4) == "0,4%"
    assert wording.count(25, "chi, đảng bộ") == "25 chi, đảng bộ"
    assert wording.join(["a"]) == "a"
    assert wording.join(["a", "b"]) == "a và b"
    assert wording.join(["a", "b", "c"]) == "a, b và c"
    assert wording.years(2012, 2016) == "2012–2016"


@given(st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_over_pct_never_states_more(p):
    said = wording.over_pct(p)
    value = float(said.removeprefix("trên ").removesuffix("%").replace(".", "").replace(",", "."))
    assert value <= round(p, 1) + 1e-9


@pytest.mark.parametrize(
    ("count", "total", "case"),
    [
        (0, None, "none"),
        (1, None, "one"),
        (5, None, "some"),
        (5, 5, "all"),
        (1, 1, "all"),
        (0, 5, "none"),
        (3, 5, "some"),
    ],
)
def test_case_of(count, total, case):
    assert prose.case_of(count, total) == case


# ---------------------------------------------------------------- templates


def test_placeholders_are_bare_names():
    assert prose.names("Có {members} đảng viên ở {org}, {members}.") == ["members", "org"]
    for bad in ("{x.y}", "{x[0]}", "{x!r}", "{x:>5}", "{}", "a { b", "a } b"):
        with pytest.raises(prose.TemplateError):
            prose.names(bad)
    assert prose.fill("{{ngoặc}} {n}", {"n": 3}) == "{ngoặc} 3"


def test_every_default_phrase_uses_only_what_it_offers():
    defaults = prose.defaults()
    assert ("annual.members", "") in defaults and ("annual.members", "none") in defaults
    for (key, _case), default in defaults.items():
        assert set(prose.names(default.text)) <= set(prose.offered(key)), key


def test_say_picks_the_case_then_falls_back(db):
    values = {
        "day": "31/12/2016",
        "org": "Đảng bộ xã X",
        "members": "12",
        "exact": "12",
        "probationary": "1",
    }
    book = prose.Phrasebook()
    assert "chưa có đảng viên nào" in book.say("annual.members", "none", **values)
    assert book.say("annual.members", "some", **values) == book.say("annual.members", "", **values)
    assert book.say("annual.grassroots", "none", total="0", parts="") == ""  # dropped
    assert prose.say("annual.members", "none", **values) == book.say(
        "annual.members", "none", **values
    )


def test_a_stored_template_that_cannot_be_filled_falls_back_to_the_default(db):
    ReportPhrase.objects.filter(key="annual.closing", case="").update(text="Sai {x.y} {nope}")
    said = prose.say("annual.closing", period="năm 2016", body="Huyện ủy")
    assert said.startswith("Trên đây là báo cáo") and "năm 2016" in said


def test_defaults_are_loaded_after_migrate_and_edits_survive_new_defaults(db):
    row = ReportPhrase.objects.get(key="annual.closing", case="")
    assert row.text == row.default_text == prose.defaults()[("annual.closing", "")].text
    ReportPhrase.objects.filter(pk=row.pk).update(text="Sửa {period}.", default_text="cũ")
    other = ReportPhrase.objects.get(key="annual.opening", case="")
    ReportPhrase.objects.filter(pk=other.pk).update(text="cũ", default_text="cũ")
    ReportPhrase.objects.filter(key="annual.members", case="none").delete()
    prose.sync_defaults()
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.text == "Sửa {period}."  # the office's edit kept
    assert row.default_text == prose.defaults()[("annual.closing", "")].text
    assert other.text == prose.defaults()[("annual.opening", "")].text  # unedited: follows
    assert ReportPhrase.objects.filter(key="annual.members", case="none").exists()


# ---------------------------------------------------------------- the office's edits


def test_an_edited_phrase_changes_the_text_and_reset_restores_it(world):
    row = ReportPhrase.objects.get(key="annual.closing", case="")
    root = world.users["root"]
    before = AuditEntry.objects.count()
    prose.update_phrase(row, "Báo cáo {period} của {body} kết thúc tại đây.", actor=root)
    assert prose.say("annual.closing", period="năm 2016", body="Huyện ủy") == (
        "Báo cáo năm 2016 của Huyện ủy kết thúc tại đây."
    )
    row.refresh_from_db()
    assert row.updated_by == root and row.text != row.default_text
    prose.reset_phrase(row, actor=root)
    row.refresh_from_db()
    assert row.text == row.default_text
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.parametrize("bad", ["Có {khong_co} đảng viên.", "Có {members.x}.", "Có { đảng viên."])
def test_a_bad_placeholder_is_refused_naming_the_field(world, bad):
    row = ReportPhrase.objects.get(key="annual.members", case="")
    message = assert_refused(
        [ReportPhrase], "text", prose.update_phrase, row=row, text=bad, actor=world.users["root"]
    )
    assert message.startswith("Mẫu câu:")
    row.refresh_from_db()
    assert row.text == row.default_text
    if "khong_co" in bad:
        assert "{khong_co}" in message and "{members}" in message  # what it may use


def test_check_returns_clean_text():
    assert (
        prose.check("annual.members", "  Có   {members} đảng viên. ") == "Có {members} đảng viên."
    )
    with pytest.raises(ValidationError):
        prose.check("annual.members", "Có {org!r}")


# ---------------------------------------------------------------- the editor


def _grant(world, user, org):
    return RoleGrant.objects.create(
        user=world.users[user], role="org_staff", org=world.orgs[org], valid_from=date(2000, 1, 1)
    )


def test_who_may_edit(world):
    assert prose.can_edit(world.users["root"])
    # tam-duong does not top this world's tree (vinh-tuong is beside it): its staff may not.
    assert not prose.can_edit(world.users["staff"])
    assert not prose.can_edit(world.users["admin"])
    assert not prose.can_edit(world.users["member"])
    _grant(world, "nobody", "vinh-phuc")  # the province tops the tree below the centre
    assert prose.can_edit(type(world.users["nobody"]).objects.get(pk=world.users["nobody"].pk))


def test_editor_pages(world, client):
    row = ReportPhrase.objects.get(key="annual.members", case="")
    for user in ("staff", "secretary", "member", "outsider"):
        client.force_login(world.users[user])
        assert client.get(reverse("reports:phrases")).status_code == 404
        assert client.get(reverse("reports:phrase_edit", args=[row.pk])).status_code == 404
        assert client.post(reverse("reports:phrase_reset", args=[row.pk])).status_code == 404
    client.force_login(world.users["root"])
    page = client.get(reverse("reports:phrases"))
    assert page.status_code == 200
    assert "Báo cáo năm" in page.content.decode() and row.text in page.content.decode()
    form = client.get(reverse("reports:phrase_edit", args=[row.pk]))
    assert "{members}" in form.content.decode()  # the placeholders it offers
    refused = client.post(reverse("reports:phrase_edit", args=[row.pk]), {"text": "Có {xyz}."})
    assert refused.status_code == 400 and "{xyz}" in refused.content.decode()
    saved = client.post(
        reverse("reports:phrase_edit", args=[row.pk]), {"text": "Có {members} đảng viên."}
    )
    assert saved.status_code == 302
    row.refresh_from_db()
    assert row.text == "Có {members} đảng viên."
    assert "đã sửa" in client.get(reverse("reports:phrases")).content.decode()
    assert client.get(reverse("reports:phrase_reset", args=[row.pk])).status_code == 405
    assert client.post(reverse("reports:phrase_reset", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.text == row.default_text


@given(st.text(alphabet=st.sampled_from("{}abc.[]!:0 xyzđ"), max_size=30))
def test_any_template_is_either_accepted_or_refused_as_such(text):
    """Whatever the office types, reading it never fails: names() accepts it or raises
    TemplateError, and a stored template that cannot be filled falls back."""
    try:
        used = prose.names(text)
    except prose.TemplateError:
        return
    assert prose.fill(text, dict.fromkeys(used, "1")) is not None


@given(st.text(alphabet=st.sampled_from("{}ab.[]!:0 "), max_size=20))
def test_reading_a_stored_template_never_fails(text):
    book = prose.Phrasebook([ReportPhrase(key="annual.closing", case="", text=text)])
    said = book.say("annual.closing", "", period="năm 2016", body="Huyện ủy")
    assert isinstance(said, str)


def test_the_member_count_is_given_exactly_once(db):
    from dangbo.reports.annual import _members_case

    book = prose.Phrasebook()
    values = {"day": "31/12/2016", "org": "Đảng bộ xã X", "probationary": "2"}
    rounded = book.say(
        "annual.members", _members_case(5475, 135), **values, members="trên 5.470", exact="5.475"
    )
    assert "trên 5.470 đảng viên (5.475 đồng chí, trong đó 2 đảng viên dự bị)" in rounded
    said = book.say("annual.members", _members_case(47, 2), **values, members="47", exact="47")
    assert (
        said
        == "Tính đến ngày 31/12/2016, Đảng bộ xã X có 47 đảng viên, trong đó 2 đảng viên dự bị."
    )
    assert _members_case(47, 0) == "one" and _members_case(0, 0) == "none"
