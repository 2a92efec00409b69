"""Models of the archives app."""
