"""SQL identifiers, once: the quoted names of a model's table and columns, from its _meta.

Set-based statements (the charge run's INSERT … SELECT, the electoral roll, the benchmark)
format only these identifiers into their SQL text; every value travels as a parameter.
"""

from django.db import connection


def qn(name: str) -> str:
    """`name` quoted for the database in use."""
    return connection.ops.quote_name(name)


def table(model) -> str:
    """The model's table, quoted."""
    return qn(model._meta.db_table)


def col(model, field: str) -> str:
    """The column of `field` on the model, quoted."""
    return qn(model._meta.get_field(field).column)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
