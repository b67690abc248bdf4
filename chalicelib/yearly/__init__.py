"""The yearly statement's fan-out: a schedule starts it, a queue carries its scan segments."""
