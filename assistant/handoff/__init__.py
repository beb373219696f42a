"""Human handoff: tickets for chats a support agent takes over, the agents themselves, and their notes."""
