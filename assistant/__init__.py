"""Lumen Bank conversational assistant: bank services, knowledge retrieval, alerts, models and gateway."""
