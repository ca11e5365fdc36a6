"""Use cases: what the bot does, tying rules and storage together. Listeners only translate."""

__all__: list[str] = []
