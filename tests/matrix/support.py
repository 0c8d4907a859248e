"""Permission-matrix rows of the support app."""

ROWS: list = []


def populate(world):
    """Add to `world` the objects this app's URLs need (none yet)."""
