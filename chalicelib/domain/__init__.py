"""Pure rules of the service: no boto3, no PynamoDB, so every rule tests without AWS."""
