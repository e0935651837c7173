import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The world fixture creates a dozen users; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
