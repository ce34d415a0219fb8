"""Innovations: what startups show, what staff feature, how visitors find them."""
