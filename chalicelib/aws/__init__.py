"""AWS adapters: configuration from the stage's environment, lazily made clients."""
