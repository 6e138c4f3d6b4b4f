"""The public tracker: a static site built from published aggregates."""
