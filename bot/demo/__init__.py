"""Demo data for the local console: a directory and a few shared deals (see `bot.demo.seed`)."""

__all__: list[str] = []
