"""One refusal for every service: what a person asked cannot be done, and why.

Each app names its own (`VoteError`, `SupportError`…) so that a caller catches what it expects,
but they are all a `Refusal`: `str()` is the message for the person who asked (already
translated), and `field`, when given, names the form field it is about so that a form shows
the message beside that field (`Refusal.add_to(form)`).
"""


class Refusal(Exception):
    """A refused operation, with a translated message and, optionally, the field concerned."""

    def __init__(self, message="", *, field: str | None = None):
        super().__init__(message)
        self.field = field

    def add_to(self, form) -> None:
        """Show the refusal on `form`: beside its field when the form has it, else on top."""
        form.add_error(self.field if self.field in form.fields else None, str(self))
