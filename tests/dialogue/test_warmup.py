"""The launcher's warm-up turn: once Rasa's model has loaded, one parse and one prediction in a conversation of its own."""

from __future__ import annotations

import asyncio

from aiohttp import web

from dialogue.warmup import WARM_UP_CONVERSATION, warm_up


async def test_the_warm_up_waits_for_the_model_then_parses_and_predicts_in_its_own_conversation(aiohttp_server):
    calls: list[str] = []
    loading = {"answers_left": 2}  # /status answers 503 twice, as Rasa does while it loads its model

    async def status(request: web.Request) -> web.Response:
        calls.append("status")
        if loading["answers_left"]:
            loading["answers_left"] -= 1
            return web.json_response({}, status=503)
        return web.json_response({"model_file": "assistant.tar.gz"})

    async def conversation(request: web.Request) -> web.Response:
        calls.append(f"{request.match_info['id']} {request.match_info['what']}")
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/status", status)
    app.router.add_post("/conversations/{id}/{what}", conversation)
    server = await aiohttp_server(app)
    warmed = await asyncio.to_thread(warm_up, str(server.make_url("")).rstrip("/"), "token")
    assert (warmed, calls) == (True, ["status", "status", "status", f"{WARM_UP_CONVERSATION} messages",
                                      f"{WARM_UP_CONVERSATION} predict"])
