"""Models of the subscriptions app (filled in by its issue)."""
