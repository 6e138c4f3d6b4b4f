"""Data-subject requests and sealing at majority."""
