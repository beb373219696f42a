"""The load benchmark (`make bench-load`): Locust customers sign in, open the live channel and chat a realistic mix
against the running assistant, step by step, and the figures go to build/bench/ as JSON."""
