"""Models of the lending app."""
