"""Accounts: sign-up, sessions, passwords, accounts the staff manage."""
