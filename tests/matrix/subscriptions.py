"""Permission-matrix rows of the subscriptions app."""

ROWS: list = []


def populate(world):
    """Add to `world` the objects this app's URLs need (none yet)."""
