"""The local stack behind `make run`: moto server, the same resources, an event pump, the API."""
