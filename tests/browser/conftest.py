import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world creates ten users; PBKDF2 would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
