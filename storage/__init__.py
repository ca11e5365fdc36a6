"""The deal ledger: SQLAlchemy models, repositories and the unit of work (see the storage issue)."""

__all__: list[str] = []
