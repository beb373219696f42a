"""Proactive messages: signed requests from the push-notification service, their notifications and idempotency."""
