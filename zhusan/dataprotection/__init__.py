"""Data protection: retention, legal holds, deletion with proof (the record lets go)."""
