"""Persistence: PynamoDB models bound to the stage's table names, and the queries the app needs."""
