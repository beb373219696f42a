"""A simulator of the bank's push-notification service, for the embedded profile only (not a real push service).

It receives the alert outbox's deliveries and passes each one to the gateway's POST /api/v1/proactive,
signed with PROACTIVE_SECRET, so `make run` shows the whole loop from a suspicious payment to the chat.
"""
