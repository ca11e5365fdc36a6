"""Settings: secrets from the environment, everything else from one optional TOML file.

    SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET   single workspace, HTTP
    SLACK_APP_TOKEN                          Socket Mode (with SLACK_BOT_TOKEN)
    SLACK_CLIENT_ID, SLACK_CLIENT_SECRET     multi-workspace OAuth (with SLACK_SIGNING_SECRET)
    DATABASE_URL                             default: sqlite:///coseller.db
    COSELLER_CONFIG                          TOML: [slack] deal_channel, [regions.XX], [escalation]
    SLACK_API_URL                            another Slack Web API (tests, the console)

No tokens at all means the local console.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "Settings"]


class ConfigError(ValueError):
    """A setting that is missing or wrong; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything Coseller is configured with."""

    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    database_url: str | None = None
    slack_api_url: str | None = None
    deal_channel: str = "C0DEALS"
    host: str = "127.0.0.1"
    port: int = 3000
    regions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        """`console` without tokens, `socket` with an app token, else `http`."""
        if self.app_token and self.bot_token:
            return "socket"
        if (self.bot_token or self.client_id) and self.signing_secret:
            return "http"
        if self.bot_token or self.app_token or self.client_id:
            raise ConfigError("incomplete Slack settings: HTTP needs SLACK_BOT_TOKEN (or "
                              "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) and SLACK_SIGNING_SECRET; "
                              "Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN")
        return "console"

    @property
    def oauth(self) -> bool:
        """Multi-workspace install through OAuth."""
        return bool(self.client_id and self.client_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from environment variables and the optional COSELLER_CONFIG file."""
        env = os.environ if env is None else env
        data: dict[str, Any] = {}
        config_path = env.get("COSELLER_CONFIG")
        if config_path:
            try:
                data = tomllib.loads(Path(config_path).read_text(encoding="utf-8"))
            except OSError as error:
                raise ConfigError(f"COSELLER_CONFIG: cannot read {config_path} "
                                  f"({error.strerror})") from None
            except tomllib.TOMLDecodeError as error:
                raise ConfigError(f"COSELLER_CONFIG: {config_path} is not valid TOML: "
                                  f"{error}") from None
        slack = data.get("slack", {})
        port = env.get("PORT") or str(slack.get("port", 3000))
        if not port.isdigit() or int(port) > 65535:  # 0: any free port
            raise ConfigError(f"PORT: expected a port number from 0 to 65535, got {port!r}")
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            client_id=env.get("SLACK_CLIENT_ID") or None,
            client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            database_url=env.get("DATABASE_URL") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            deal_channel=str(slack.get("deal_channel", "C0DEALS")),
            host=env.get("HOST") or str(slack.get("host", "127.0.0.1")),
            port=int(port),
            regions=data.get("regions", {}),
            options=data,
        )
