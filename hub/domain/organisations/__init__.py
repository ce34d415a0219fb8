"""Startups and partners: profiles, members and invitations, verification by staff."""
