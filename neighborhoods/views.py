"""Views of the neighborhoods app."""
