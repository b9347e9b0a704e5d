"""Events back to carriers and platforms: an outbox written with the change, a sender, a dead-letter list."""
