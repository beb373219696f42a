// The chat's live channel: the customer websocket (auth frame first), kept open with reconnects.
// Protocol: assistant/gateway/realtime.py. Events: bot, agent, proactive, handoff, handback, each with its `seq`.
// A reconnect says the last seq it received and the gateway sends what came after it; a seq seen before is dropped.
"use strict";

window.LumenLive = (function () {
  const REFUSED = { 4401: "unauthorized", 4403: "forbidden" };
  // Closed because this customer opened the chat in more places than the gateway allows: reconnecting would only
  // close the newer one in turn, so this page stays without live updates (messages still go by POST).
  const DISPLACED = 4429;
  const MAX_DELAY_MS = 30000;

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/chat/ws";
  }

  // handlers: onEvent(event), onReady(isReconnect, resumed), onDown(), onRefused(reason);
  // `resumed` is true when the gateway sends what this page missed (else the page reloads the history).
  function connect(token, handlers) {
    let socket = null;
    let stopped = false;
    let failures = 0;
    let everReady = false;
    let timer = null;
    let lastSeq = null;
    const seen = new Set();

    function open() {
      socket = new WebSocket(socketUrl());
      socket.addEventListener("open", () => {
        const auth = { type: "auth", token };
        if (lastSeq !== null) auth.last_seq = lastSeq;
        socket.send(JSON.stringify(auth));
      });
      socket.addEventListener("message", (message) => {
        let event;
        try { event = JSON.parse(message.data); } catch (e) { return; }
        if (event.type === "ready") {
          const numbered = typeof event.last_seq === "number";
          const resumed = numbered && lastSeq !== null && event.last_seq >= lastSeq;
          if (numbered && !resumed) {
            // First connection, or the gateway's numbering is behind ours: start from where it is now.
            lastSeq = event.last_seq;
            seen.clear();
          }
          handlers.onReady(everReady, resumed);
          everReady = true;
          failures = 0;
        } else if (event.type !== "pong" && event.type !== "error") {
          if (typeof event.seq === "number") {
            if (seen.has(event.seq)) return;
            seen.add(event.seq);
            lastSeq = Math.max(lastSeq || 0, event.seq);
          }
          handlers.onEvent(event);
        }
      });
      socket.addEventListener("close", (closed) => {
        if (stopped) return;
        if (REFUSED[closed.code]) {
          stopped = true;
          handlers.onRefused(closed.reason || "Please sign in again.");
          return;
        }
        handlers.onDown();
        if (closed.code === DISPLACED) {
          stopped = true;
          return;
        }
        // Back off exponentially with jitter, so a restarted gateway is not hit by every phone at once.
        const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
        failures += 1;
        timer = setTimeout(open, delay);
      });
    }

    open();
    return {
      close() {
        stopped = true;
        clearTimeout(timer);
        if (socket) socket.close(1000, "signed out");
      },
    };
  }

  return { connect };
})();
