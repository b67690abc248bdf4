"""The composition: the stack's resources in moto, each function under its own role, the pump wired to the app."""
