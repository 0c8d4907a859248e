"""Views of the support app."""
