"""One usage error for everything people type: `/roe`, `/deal`, the modals and the console.

    raise UsageError("currency", field="amount", currency="XYZ")
    with within("roe", "eligibility"):      # names the grammar and subcommand on the way out
        ...
    error.key                               # "roe.problem.currency" (the catalog's key)
    error.text("ja")                        # the problem and the usage line, in Japanese

Shared tokens raise it without knowing which command they serve; the grammar that reads them says
which catalog (`roe`, `followup`, `deals`) and which subcommand's usage line go with it, so that a
date is read one way everywhere and explained in each command's words.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from bot.i18n import MESSAGES, t

__all__ = ["ECHO", "UsageError", "within"]

ECHO = 60  # a word at fault is shown back, cut to this length
_LISTS = frozenset({"known", "deals"})  # params that are lists the bot wrote, never cut


def _cut(name: str, value: str) -> str:
    if name in _LISTS or len(value) <= ECHO:
        return value
    return value[:ECHO - 1] + "…"


class UsageError(ValueError):
    """Text that does not read as a command: which problem, the words at fault, the field.

    `problem` is the short name (`currency`); `key` the catalog key it is explained by
    (`<grammar>.problem.<problem>`); `field` the part of the command at fault (`amount`,
    `deal`, a modal's block id) when there is one.
    """

    def __init__(self, problem: str, /, *, field: str | None = None, grammar: str = "",
                 command: str = "", **params: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field
        self.grammar = grammar
        self.command = command
        self.params: dict[str, str] = {name: _cut(name, str(value))
                                       for name, value in params.items()}

    @property
    def key(self) -> str:
        """The catalog key of the problem."""
        return f"{self.grammar}.problem.{self.problem}"

    def usage_key(self) -> str:
        """The catalog key of the subcommand's usage line (the grammar's help when it has none)."""
        key = f"{self.grammar}.usage.{self.command.replace('-', '_')}"
        return key if key in MESSAGES.catalog("en") else f"{self.grammar}.usage.help"

    def problem_text(self, lang: str) -> str:
        """The problem alone, in `lang`."""
        return t(self.key, lang, **self.params)

    def text(self, lang: str) -> str:
        """The problem, the usage line and an example, in `lang`."""
        return t(f"{self.grammar}.usage_error", lang, problem=self.problem_text(lang),
                 usage=t(self.usage_key(), lang))


@contextmanager
def within(grammar: str, command: str, *, rename: Mapping[str, str] | None = None
           ) -> Iterator[None]:
    """Name the grammar and subcommand of usage errors raised inside (a token's generic problem
    may take the grammar's own name through `rename`)."""
    try:
        yield
    except UsageError as error:
        error.grammar = error.grammar or grammar
        error.command = error.command or command
        if rename and error.problem in rename:
            error.problem = rename[error.problem]
        raise
