"""Code that runs inside the dialogue engine's own virtualenv (Rasa 3.6, Python 3.10)."""
