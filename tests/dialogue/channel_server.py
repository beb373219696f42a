"""Serve the gateway's input channel (dialogue/channels.py) alone, in Rasa's virtualenv, answering each verified
message with an echo instead of running a model: `python tests/dialogue/channel_server.py PORT SECRET`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.channel import UserMessage  # noqa: E402
from sanic import Sanic  # noqa: E402

from dialogue.channels import GatewayInput  # noqa: E402


async def echo(message: UserMessage) -> None:
    """What the agent would do with the message, reduced to saying it back ("id?" is answered with its message id)."""
    text = f"message id: {message.message_id}" if message.text == "id?" else f"echo: {message.text}"
    await message.output_channel.send_text_message(message.sender_id, text)


def main(port: int, secret: str) -> None:
    """Mount the channel where Rasa mounts it (/webhooks/<name>/) and serve until killed."""
    app = Sanic("channel_under_test")
    channel = GatewayInput.from_credentials({"secret": secret})
    app.blueprint(channel.blueprint(echo), url_prefix=f"/webhooks/{channel.name()}")
    app.run(host="127.0.0.1", port=port, access_log=False)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
