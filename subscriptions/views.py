"""Views of the subscriptions app."""
