"""The local console: talk to the same Bolt listeners in a terminal, as a chosen demo user.

    coseller console [--as aiko]          # or `coseller run` without Slack tokens
    status = run_console(settings, user="aiko")

Like Errbot's `-T` and Hubot's shell adapter. Its rooms:

    session.py      open_console / run_console: local Slack, services, demo data, the Bolt app
    repl.py         the read-eval loop and its commands
    interactions.py /click, /submit, /cancel
    output.py       what the bot sent to Slack, printed as text
    threads.py      deal threads: everyone's messages, what each person has not read yet
    state.py        the session's state; who may see what (the bot's own use cases and policy)
    time_travel.py  the clock `/advance` moves, running the scheduler's job table on the way
    render.py       Block Kit and mrkdwn as text lines
    requests.py     Slack-shaped request bodies (shared with the end-to-end tests)
    local_slack.py  the local Slack Web API the console's client talks to
"""

from __future__ import annotations

from bot.console.repl import Console
from bot.console.session import DEMO_DATABASE_URL, open_console, run_console
from bot.console.state import Read, Write
from bot.console.time_travel import ConsoleClock, TimeMachine

__all__ = [
    "DEMO_DATABASE_URL",
    "Console",
    "ConsoleClock",
    "Read",
    "TimeMachine",
    "Write",
    "open_console",
    "run_console",
]
