"""Shared fixtures: one small, readable world on which every suite and engine runs.

    central
    └─ vinh-phuc (province)
       ├─ tam-duong (district)
       │  ├─ kim-long (commune committee) ── kl-thon-1, kl-thon-2 (village sub-cells)
       │  ├─ hop-hoa (town committee) ────── hh-tdp-1 (residential-group sub-cell)
       │  └─ cb-toa-an (grassroots cell, agency)
       └─ vinh-tuong (district, out of scope for tam-duong users) ── vt-xa ── vt-thon

Users (password ``pw-test-123``): one per role, each granted on an organisation named in
``ROLE_SCOPES``; ``outsider`` has a role on vinh-tuong only.
"""

import os
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from tests.support import FAST_HASHERS

PASSWORD = "pw-test-123"

ROLE_SCOPES = {
    "admin": ("admin", "tam-duong", True),
    "staff": ("org_staff", "tam-duong", False),
    "committee": ("committee_member", "tam-duong", False),
    "secretary": ("cell_secretary", "kl-thon-1", False),
    "auditor": ("auditor", "tam-duong", False),
    "sensitive_staff": ("org_staff", "kim-long", True),
    "outsider": ("org_staff", "vinh-tuong", True),
}


def pytest_report_header(config):
    from django.conf import settings

    return f"dangbo database engine: {settings.DATABASES['default']['ENGINE']}"


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def org(self, code):
        return self.orgs[code]


def _org(w, code, name, kind, sector, parent, since=date(1997, 1, 1)):
    from dangbo.orgs import services

    w.orgs[code] = services.create_org(
        actor=None,
        code=code,
        name=name,
        kind=kind,
        sector=sector,
        parent=w.orgs.get(parent),
        valid_from=since,
    )
    return w.orgs[code]


def _member(
    w,
    key,
    org,
    full_name,
    gender="M",
    born=date(1975, 6, 15),
    admitted=date(2000, 3, 2),
    official=True,
    **data,
):
    from dangbo.members import services

    member = services.admit_member(
        actor=None,
        org=w.orgs[org],
        data={"full_name": full_name, "gender": gender, "date_of_birth": born, **data},
        admission_decision_date=admitted,
        admission_ceremony_date=admitted,
    )
    if official:
        from dangbo.members.rules import probation_end

        member = services.recognise_official(
            actor=None, member=member, recognition_date=probation_end(admitted)
        )
    w.members[key] = member
    return member


def build_world() -> World:
    from dangbo.core.models import RoleGrant
    from dangbo.oversight.topics import ensure_defaults
    from dangbo.reviews import schemes

    ensure_defaults()  # migration data: gone after a transactional test's flush
    schemes.load()
    w = World()
    _org(w, "central", "Trung ương", "central", "territorial", None, date(1930, 2, 3))
    _org(w, "vinh-phuc", "Đảng bộ tỉnh Vĩnh Phúc", "province_committee", "territorial", "central")
    _org(
        w, "tam-duong", "Đảng bộ huyện Tam Dương", "district_committee", "territorial", "vinh-phuc"
    )
    _org(w, "kim-long", "Đảng bộ xã Kim Long", "grassroots_committee", "commune", "tam-duong")
    _org(w, "kl-thon-1", "Chi bộ thôn Đồng Bông", "sub_cell", "village", "kim-long")
    _org(w, "kl-thon-2", "Chi bộ thôn Gia Du", "sub_cell", "village", "kim-long")
    _org(w, "hop-hoa", "Đảng bộ thị trấn Hợp Hòa", "grassroots_committee", "town", "tam-duong")
    _org(w, "hh-tdp-1", "Chi bộ tổ dân phố Đông Hòa", "sub_cell", "residential_group", "hop-hoa")
    _org(w, "cb-toa-an", "Chi bộ Tòa án nhân dân huyện", "grassroots_cell", "agency", "tam-duong")
    _org(
        w,
        "vinh-tuong",
        "Đảng bộ huyện Vĩnh Tường",
        "district_committee",
        "territorial",
        "vinh-phuc",
    )
    _org(w, "vt-xa", "Đảng bộ xã Tân Tiến", "grassroots_committee", "commune", "vinh-tuong")
    _org(w, "vt-thon", "Chi bộ thôn Bảo Sơn", "sub_cell", "village", "vt-xa")

    _member(
        w,
        "huong",
        "kl-thon-1",
        "Nguyễn Thị Hương",
        "F",
        ethnicity="Kinh",
        religion="Không",
        id_number="026180001234",
        card_number="12345678",
    )
    _member(w, "an", "kl-thon-1", "Trần Văn An", born=date(1950, 1, 10), admitted=date(1999, 5, 19))
    _member(
        w,
        "binh",
        "kl-thon-1",
        "Lê Văn Bình",
        born=date(1990, 2, 1),
        admitted=date(2016, 6, 1),
        official=False,
    )
    _member(w, "dung", "kl-thon-2", "Phạm Thị Dung", "F")
    _member(w, "hoa", "hh-tdp-1", "Đỗ Thị Hoa", "F")
    _member(w, "khanh", "cb-toa-an", "Vũ Quốc Khánh")
    _member(w, "tien", "vt-thon", "Hoàng Minh Tiến", id_number="026180009999")

    user_model = get_user_model()
    for username, (role, org, sensitive) in ROLE_SCOPES.items():
        user = user_model.objects.create_user(username, password=PASSWORD)
        RoleGrant.objects.create(
            user=user,
            role=role,
            org=w.orgs[org],
            can_view_sensitive=sensitive,
            valid_from=date(2000, 1, 1),
        )
        w.users[username] = user
    member_user = user_model.objects.create_user("huong", password=PASSWORD)
    RoleGrant.objects.create(
        user=member_user, role="member", org=w.orgs["kl-thon-1"], valid_from=date(2000, 1, 1)
    )
    type(w.members["huong"]).objects.filter(pk=w.members["huong"].pk).update(user=member_user)
    w.members["huong"].refresh_from_db()
    w.users["member"] = member_user
    w.users["nobody"] = user_model.objects.create_user("nobody", password=PASSWORD)
    w.users["root"] = user_model.objects.create_superuser("root", password=PASSWORD)
    return w


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (tests change rows behind dangbo's back)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world creates a dozen users; PBKDF2's deliberate slowness buys tests nothing."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _own_audit_witness(settings, tmp_path_factory):
    """Each test its own audit witness file: a checkpoint names entries of one test's
    database, which the next test (rolled back, or flushed) no longer has."""
    from uuid import uuid4

    settings.AUDIT_WITNESS_FILE = tmp_path_factory.getbasetemp() / f"witness-{uuid4().hex}"


# SQLite refuses DELETE on the audit log (a trigger), so the flush that ends a transactional
# test would fail; PostgreSQL flushes with TRUNCATE, which row triggers do not see. Before the
# flush, empty the audit table with the triggers lifted for a moment, then put them back.


@pytest.fixture
def flushable_audit(transactional_db):
    """Torn down before ``transactional_db`` flushes."""
    import importlib

    from django.db import connection

    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("dangbo.core.migrations.0003_audit_append_only")
    with connection.cursor() as cur:
        for sql in migration.SQLITE_DROP:
            cur.execute(sql)
        cur.execute("DELETE FROM core_auditentry")
        for sql in migration.SQLITE:
            cur.execute(sql)


@pytest.fixture(autouse=True)
def _audit_flush_for_transactional_tests(request):
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("flushable_audit")


@pytest.fixture
def allow_audit_tampering():
    """A function that switches off the database's append-only guard on the audit log, as a
    malicious DBA could, so that tests can show the hash chain still catches the edit."""
    from django.db import connection

    def allow() -> None:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # Deferred FK checks of the test's own inserts would block ALTER TABLE.
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute(
                    "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only"
                )
            else:
                cur.execute("DROP TRIGGER core_auditentry_no_update")
                cur.execute("DROP TRIGGER core_auditentry_no_delete")

    return allow


# -- one world per worker ------------------------------------------------------------------
# Building the world costs ~370 queries (0.1 s on SQLite, ~0.9 s on PostgreSQL) and nearly
# every test asks for it. Tests that run inside a transaction (pytest-django's ``TestCase``
# path) share one: it is built once, in an outer transaction that stays open while such
# tests follow each other; each test runs in a savepoint inside it (rolled back as usual)
# and gets fresh instances read from the database. Before any other test — one without the
# world, or a transactional one (live server, ``transactional_db``) — the outer transaction
# is rolled back, so that test sees the database exactly as it would have otherwise.
# ``pytest_runtest_teardown`` knows the next test, so the switch happens between tests.
# DANGBO_TEST_SHARED_WORLD=0 builds the world in every test instead, as before.

TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@dataclass
class _SharedWorld:
    blocker: object = None  # pytest-django's database blocker, once the test database exists
    atomic: object = None  # the open outer transaction that holds the world
    keys: dict = field(default_factory=dict)  # {"orgs"|"members"|"users": {key: pk}}


_SHARED = _SharedWorld()


def shares_world(item) -> bool:
    """Whether ``item`` may run inside the shared world's outer transaction."""
    names = set(getattr(item, "fixturenames", ()))
    if (
        os.environ.get("DANGBO_TEST_SHARED_WORLD") == "0"
        or "world" not in names
        or names & TRANSACTIONAL_FIXTURES
    ):
        return False
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        from pytest_django.fixtures import validate_django_db

        transaction, reset_sequences, _dbs, serialized_rollback, _apps = validate_django_db(marker)
        if transaction or reset_sequences or serialized_rollback:
            return False
    return True


def _open_shared_world() -> None:
    if _SHARED.atomic is not None or _SHARED.blocker is None:
        return
    from django.db import connection, transaction
    from django.test.utils import override_settings

    with _SHARED.blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        _SHARED.atomic = atomic
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                w = build_world()
            # Check the deferred foreign keys now, once: left pending in the outer transaction,
            # every test's teardown would check them all again.
            connection.check_constraints()
        except BaseException:
            _close_shared_world()
            raise
    _SHARED.keys = {
        "orgs": {k: o.pk for k, o in w.orgs.items()},
        "members": {k: m.pk for k, m in w.members.items()},
        "users": {k: u.pk for k, u in w.users.items()},
    }


def _close_shared_world() -> None:
    atomic, _SHARED.atomic, _SHARED.keys = _SHARED.atomic, None, {}
    if atomic is None:
        return
    from django.db import transaction

    with _SHARED.blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _shared_world() -> World:
    """Fresh instances of the shared world's rows (tests change them in place)."""
    from django.db import connection

    from dangbo.members.models import Member
    from dangbo.orgs.models import Organisation

    blocks = connection.atomic_blocks
    assert blocks and blocks[0] is _SHARED.atomic, "the shared world's transaction is gone"
    keys = _SHARED.keys
    orgs = Organisation.objects.in_bulk(keys["orgs"].values())
    members = Member.objects.in_bulk(keys["members"].values())
    users = get_user_model().objects.in_bulk(keys["users"].values())
    return World(
        orgs={k: orgs[pk] for k, pk in keys["orgs"].items()},
        members={k: members[pk] for k, pk in keys["members"].items()},
        users={k: users[pk] for k, pk in keys["users"].items()},
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _SHARED.blocker = django_db_blocker
    yield
    _close_shared_world()  # before pytest-django drops the test database
    _SHARED.blocker = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)  # the test's own fixtures (its savepoint included) are gone after this
    finally:
        if nextitem is not None and shares_world(nextitem):
            _open_shared_world()
        else:
            _close_shared_world()


@pytest.fixture(autouse=True)
def _shared_world_guard(request):
    if _SHARED.atomic is not None and not shares_world(request.node):
        pytest.fail("the shared world's transaction is open around a test that may not share it")


@pytest.fixture
def world(db) -> World:
    if _SHARED.atomic is not None:
        return _shared_world()
    return build_world()  # the first of a run of tests, or a transactional test


@pytest.fixture
def engine():
    from django.db import connection

    return connection.vendor


# -- the browser: Debian's chromium driven by Playwright -----------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _serve_one_request_at_a_time() -> None:
    """The live server answers one request at a time (connections are still accepted by a
    thread each, so a browser's keep-alive never blocks another). On SQLite every request
    thread shares the test's in-memory connection, and two threads inside it deadlock when a
    query calls back into Python (Django's and our SQL functions): a page whose charts load
    side by side hung a run. Tests measure behaviour, not concurrency."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test import testcases

    class SerialWSGIServer(ThreadedWSGIServer):
        def set_app(self, application):
            lock = threading.Lock()

            def serial(environ, start_response):
                with lock:
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        close = getattr(result, "close", None)
                        if close is not None:
                            close()

            super().set_app(serial)

    testcases.LiveServerThread.server_class = SerialWSGIServer


_serve_one_request_at_a_time()


@pytest.fixture
def browser_page(monkeypatch):
    """A Chromium page. While Playwright's sync API runs its event loop in this thread,
    Django looks connections up per async context, so the test's own queries would open
    a second connection of their own: on SQLite a second connection to the shared
    in-memory database, whose table locks fail the worker's ``BEGIN EXCLUSIVE`` ("database
    table is locked") while the live server reads; on PostgreSQL one that nobody closes, so
    the test database cannot be dropped. The test keeps the thread's own connections (on
    SQLite the very one the live server shares)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync queries beside that loop
    own = {alias: connections[alias] for alias in connections}
    with sync_playwright() as p:
        for alias, conn in own.items():
            connections[alias] = conn
        browser = p.chromium.launch(
            executable_path=os.environ.get("DANGBO_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        page = browser.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            browser.close()
            for alias, conn in own.items():
                assert connections[alias] is conn, "a test query opened a second connection"


def _browser_engine(items) -> list:
    """Browser tests drive pages, not SQL: they run once, on SQLite. On PostgreSQL every page
    they walk is also requested by the web suites (and the permission matrices), so running
    them again there doubled their cost in CI for no query the web suites do not make.
    ``DANGBO_TEST_BROWSER_ON_POSTGRES=1`` runs them there too."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine or os.environ.get("DANGBO_TEST_BROWSER_ON_POSTGRES") == "1":
        return []
    return [item for item in items if "browser" in item.keywords]


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium; without it they are skipped, loudly."""
    deselected = _browser_engine(items)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        gone = set(deselected)
        items[:] = [item for item in items if item not in gone]
    if os.path.exists(os.environ.get("DANGBO_CHROMIUM", "/usr/bin/chromium")):
        return
    skip = pytest.mark.skip(reason="chromium not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
