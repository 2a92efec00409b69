"""Models of the spreadsheets app."""
