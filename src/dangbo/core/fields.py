"""Fields whose ordering must be byte-wise on every engine."""

from django.db import models


class BinaryCharField(models.CharField):
    """A CharField compared byte-wise: materialised paths and sort keys.

    PostgreSQL's locale collations ignore punctuation at the first level, which would break
    the path range predicate (``path >= 'p.' AND path < 'p/'``); SQLite is binary already.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
