"""Background jobs: the queue (Procrastinate on PostgreSQL, in the request on SQLite) and the
rows people read. A ground floor beside the kit: it imports none of our apps."""
