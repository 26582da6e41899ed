"""Errors raised by the db package, each with a one-line message."""


class DatabaseError(Exception):
    """The database file cannot be used."""


class MissingDirectory(DatabaseError):
    """The directory that should hold the database file does not exist."""


class UnwritableDatabase(DatabaseError):
    """The database file cannot be opened for writing."""


class NotADatabase(DatabaseError):
    """The file exists but is not an SQLite database."""


class BadRecord(ValueError):
    """A study record has a value of the wrong type; the pipeline skips that record."""

    def __init__(self, nct_id: str | None, field: str, reason: str):
        self.nct_id = nct_id
        self.field = field
        self.reason = reason
        super().__init__(f"{nct_id or 'record'}: {field}: {reason}")
