"""moto and botocore as this project runs them: the moto server, every patch of both (patches.py), the fault mode."""
