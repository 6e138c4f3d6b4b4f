"""Livelihood, housing and referrals."""
