"""APScheduler wiring: which job runs when. Each job calls one use case (see the reminders issue)."""

__all__: list[str] = []
