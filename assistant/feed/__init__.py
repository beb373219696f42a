"""The core-banking feed's own listener: signed transaction batches from known sources, committed to its inbox
before it answers, and the workers that apply the inbox (`python -m assistant.feed work`).

Not on the customer gateway: it has its own port (FEED_HOST, FEED_PORT, localhost by default) and process
(`python -m assistant.feed`), and only the bank's core systems, each with its own secret, may post to it.
"""
