"""Rasa custom actions: thin adapters from the dialogue tracker to the services in `assistant/`."""
