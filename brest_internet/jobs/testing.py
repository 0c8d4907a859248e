"""For the tests: Procrastinate's in-memory queue, and a way to run what was queued in it.

The jobs are run in the test's own thread (a real worker would run them in another one, on a
database connection that does not see the test's transaction).
"""

from procrastinate import testing
from procrastinate.contrib.django import app


class InMemoryQueue:
    def __init__(self):
        self.connector = testing.InMemoryConnector()

    def queued(self, task_name: str | None = None) -> list[dict]:
        return [
            row
            for row in self.connector.jobs.values()
            if row["status"] == "todo" and (task_name is None or row["task_name"] == task_name)
        ]

    def run_all(self) -> int:
        """Run every job waiting, in order, as a worker would; returns how many ran."""
        ran = 0
        while waiting := self.queued():
            row = waiting[0]
            row["status"] = "doing"
            try:
                app.tasks[row["task_name"]](**row["args"])
            except Exception:
                row["status"] = "failed"
                raise
            row["status"] = "succeeded"
            ran += 1
        return ran
