"""SMS queries at the short code: the SNS endpoint, the answers, and their way out via the outbox."""
