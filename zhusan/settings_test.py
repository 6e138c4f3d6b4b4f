"""Settings for the test suite: the real settings, read with test defaults.

Only environment defaults live here; every value is still computed by
zhusan/settings.py, so the tests exercise the production code path
(DEBUG off, Argon2, MFA required, CSP). DATABASE_URL passes through, which
is how CI runs the same suite on PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ["ZHUSAN_TESTING"] = "true"
os.environ.setdefault("ZHUSAN_SSL_REDIRECT", "false")
os.environ.setdefault("ZHUSAN_SECURE_COOKIES", "false")
os.environ.setdefault("ZHUSAN_HSTS_SECONDS", "0")
os.environ.setdefault("ZHUSAN_CASE_PREFIX", "KZ")
os.environ.setdefault("ZHUSAN_TASKS", "immediate")
# WhiteNoise reads every file under STATIC_ROOT each time a test client starts
# (about 150 ms with a collected tree): the tests serve static files through
# the finders, so a `collectstatic` run by a developer or a benchmark never
# slows them down.
os.environ.setdefault("ZHUSAN_STATIC_ROOT", os.path.join(os.path.dirname(__file__), "..", "var", "no-static-in-tests"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from .settings import *  # noqa: E402,F403

# Argon2 at full strength makes thousands of logins slow; the hasher is the
# same, only its cost is lowered for tests.
PASSWORD_HASHERS = ["zhusan.accounts.hashers.FastArgon2PasswordHasher"]
