"""Views of the votes app."""
