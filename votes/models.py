"""Models of the votes app (filled in by its issue)."""
