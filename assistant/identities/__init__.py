"""Who a sign-in at the bank's identity provider is here: its (issuer, subject) linked to a customer or an agent."""
