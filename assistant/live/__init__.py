"""The live channel's record: every message pushed to a customer's chat, numbered per conversation."""
