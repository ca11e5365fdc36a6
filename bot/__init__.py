"""The Slack side of Coseller: the Bolt app, listeners, views, use cases and adapters."""

__all__: list[str] = []
