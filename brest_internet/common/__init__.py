"""The ground-floor kit: what every app shares. It imports none of the apps."""
