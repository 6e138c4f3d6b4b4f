"""Sessions and intake accounts."""
