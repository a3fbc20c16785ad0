"""Staff accounts: the people who work in the back-office."""
