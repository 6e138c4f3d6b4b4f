"""Needs, plans and case conferences."""
