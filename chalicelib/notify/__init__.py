"""The outbox and everything that moves a notice from it to a phone."""
