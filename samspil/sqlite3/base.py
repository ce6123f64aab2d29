"""Django's SQLite backend, told the real limit on parameters per statement.

Django 5.2 assumes SQLite's old compile-time limit of 999 (SQLITE_MAX_VARIABLE_NUMBER), so a
bulk insert of 1,000 outbox rows of 14 columns becomes 15 statements. SQLite has defaulted to
32,766 since 3.32 (2020), and the connection reports the limit it was built with.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
