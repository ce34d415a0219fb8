"""The rules of Atelier Hub. Domain functions never commit and never touch the request."""
