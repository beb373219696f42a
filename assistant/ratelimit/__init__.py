"""Limits on what one client can consume: token buckets and sign-in back-off, in memory or shared through Redis."""
