"""The session limits moved to the kit (brest_internet.common.sessions); this name stays for
loadtest/run.py, which imports STARTED_KEY from here."""

from brest_internet.common.sessions import (  # noqa: F401
    STARTED_KEY,
    AbsoluteSessionLimitMiddleware,
    session_limits,
)
