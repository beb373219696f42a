"""The seeded synthetic bank: realistic customers and 13 months of history, the same for the same seed."""
