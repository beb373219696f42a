"""Churn and next-best-offer models: features, training, explanations and the services built on them."""
