"""Customers' data rights: everything held about a customer exported as JSON, or erased (anonymised where the
ledger must keep it) across the bank database and Rasa's tracker store, each audited."""
