import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world creates ten users; PBKDF2 would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
