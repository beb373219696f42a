// The support console: sign in, the queue and my chats, claim, transcript, live reply, notes, suggested
// articles and resolve. Live updates arrive over /api/v1/agent/ws; the lists are also refreshed every
// REFRESH_MS so wait times stay current. Everything the server sends is shown with textContent only.
(function () {
  "use strict";

  const TOKEN_KEY = "lumen-agent-token";
  const AGENT_KEY = "lumen-agent";
  const REFRESH_MS = 10000;
  const REASONS = {
    request_human: "Asked for a person", complaint: "Complaint", fraud_or_dispute: "Fraud or disputed payment",
    bot_failed: "The assistant could not help",
  };
  const $ = (id) => document.getElementById(id);

  let token = sessionStorage.getItem(TOKEN_KEY);
  let agent = JSON.parse(sessionStorage.getItem(AGENT_KEY) || "null");
  let openTicketId = null;
  let socket = null;
  let refreshTimer = null;
  const unread = new Set();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function waitText(seconds) {
    if (seconds < 60) return `waiting ${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    return minutes < 60 ? `waiting ${minutes} min` : `waiting ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  function setStatus(node, text, isError) {
    node.textContent = text || "";
    node.classList.toggle("error", Boolean(isError));
  }

  async function api(path, options) {
    const headers = { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(path, { ...(options || {}), headers });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401 && token) {
      signOut("Your sign-in has expired. Please sign in again.");
    }
    if (!response.ok) {
      const error = new Error((body.error && body.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  // --- sign-in ----------------------------------------------------------------------------------
  function showDesk() {
    $("sign-in").hidden = true;
    $("desk").hidden = false;
    $("sign-out").hidden = false;
    $("agent-name").textContent = agent ? `Signed in as ${agent.name}` : "";
    refreshDesk();
    connect();
    clearInterval(refreshTimer);
    refreshTimer = setInterval(refreshDesk, REFRESH_MS);
  }

  function signOut(message) {
    token = null;
    agent = null;
    openTicketId = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(AGENT_KEY);
    clearInterval(refreshTimer);
    if (socket) socket.close();
    socket = null;
    $("desk").hidden = true;
    $("sign-out").hidden = true;
    $("live").hidden = true;
    $("sign-in").hidden = false;
    $("agent-name").textContent = "";
    setStatus($("sign-in-status"), message || "", Boolean(message));
  }

  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    setStatus($("sign-in-status"), "Signing in…");
    try {
      const body = await api("/api/v1/agent/auth", {
        method: "POST", body: JSON.stringify({ email: $("email").value, password: $("password").value }),
      });
      token = body.token;
      agent = body.agent;
      sessionStorage.setItem(TOKEN_KEY, token);
      sessionStorage.setItem(AGENT_KEY, JSON.stringify(agent));
      $("password").value = "";
      setStatus($("sign-in-status"), "");
      showDesk();
    } catch (error) {
      setStatus($("sign-in-status"), error.message, true);
    }
  });
  $("sign-out").addEventListener("click", () => signOut());

  // --- the lists -----------------------------------------------------------------------------------
  function ticketItem(ticket) {
    const item = el("li");
    const button = el("button", "ticket-item");
    button.type = "button";
    button.dataset.ticketId = String(ticket.id);
    if (ticket.id === openTicketId) button.classList.add("open");
    if (unread.has(ticket.id)) button.classList.add("unread");
    button.append(el("span", "name", ticket.customer.name || `Customer ${ticket.customer.id}`),
      el("span", "why", REASONS[ticket.reason] || ticket.reason), document.createTextNode(" · "),
      el("span", "wait", ticket.status === "queued" ? waitText(ticket.wait_seconds) : "with you"));
    button.addEventListener("click", () => openTicket(ticket.id));
    item.append(button);
    return item;
  }

  async function refreshDesk() {
    if (!token) return;
    try {
      const desk = await api("/api/v1/agent/queue");
      $("queue").replaceChildren(...desk.queue.map(ticketItem));
      $("mine").replaceChildren(...desk.mine.map(ticketItem));
      $("queue-count").textContent = String(desk.queue.length);
      $("mine-count").textContent = String(desk.mine.length);
    } catch (error) {
      console.warn("could not refresh the queue", error);
    }
  }

  // --- one chat ------------------------------------------------------------------------------------
  function transcriptLine(entry) {
    const who = entry.from === "customer" ? "Customer" : entry.from === "agent" ? (entry.agent_name || "Agent") : "Assistant";
    const line = el("li", `line from-${entry.from}`);
    line.append(el("span", "who", who), document.createTextNode(entry.text || (entry.custom ? `[${entry.custom.type}]` : "")));
    return line;
  }

  function appendLine(entry) {
    const list = $("transcript");
    list.append(transcriptLine(entry));
    list.scrollTop = list.scrollHeight;
  }

  function showNotes(notes) {
    $("notes").replaceChildren(...notes.map((note) => {
      const item = el("li", "note", note.text);
      item.prepend(el("span", "when", note.at ? new Date(note.at).toLocaleString() : ""));
      return item;
    }));
  }

  function showChurn(churn) {
    const scored = churn && churn.status === "scored";
    $("churn-risk").textContent = scored
      ? `Churn risk ${Math.round(churn.risk * 100)}%${churn.at_risk ? " (at risk of leaving)" : ""}`
      : (churn && churn.note) || "Churn risk: not scored.";
    $("churn-risk").classList.toggle("at-risk", Boolean(scored && churn.at_risk));
    $("churn-reasons").replaceChildren(...(scored ? churn.reasons : []).map((reason) => el("li", null, reason)));
  }

  function showTicket(detail) {
    const ticket = detail.ticket;
    const mine = ticket.status === "assigned" && agent && ticket.agent_id === agent.id;
    $("ticket").hidden = false;
    $("side").hidden = false;
    $("ticket-title").textContent = ticket.customer.name || `Customer ${ticket.customer.id}`;
    $("ticket-meta").textContent = `${REASONS[ticket.reason] || ticket.reason} · ${ticket.status === "queued" ? waitText(ticket.wait_seconds) : "assigned to you"}`;
    showChurn(ticket.churn);
    $("ticket-summary").textContent = ticket.summary;
    $("ticket-alerts").replaceChildren(...(ticket.recent_alerts || []).map((alert) =>
      el("li", null, alert.title || alert.reason || alert.kind || JSON.stringify(alert))));
    $("claim").hidden = ticket.status !== "queued";
    $("resolve").hidden = !mine;
    $("reply-form").hidden = !mine;
    $("note-form").hidden = !mine;
    $("transcript").replaceChildren(...detail.transcript.map(transcriptLine));
    $("transcript").scrollTop = $("transcript").scrollHeight;
    showNotes(detail.notes);
  }

  async function openTicket(ticketId) {
    openTicketId = ticketId;
    unread.delete(ticketId);
    setStatus($("ticket-status"), "");
    try {
      showTicket(await api(`/api/v1/agent/tickets/${ticketId}`));
      loadSuggestions();
    } catch (error) {
      setStatus($("ticket-status"), error.message, true);
      if (error.status === 404) {
        openTicketId = null;
        $("ticket").hidden = true;
        $("side").hidden = true;
      }
    }
    refreshDesk();
  }

  async function loadSuggestions() {
    const ticketId = openTicketId;
    $("suggestions").replaceChildren();
    $("suggestions-for").textContent = "Looking for articles…";
    try {
      const body = await api(`/api/v1/agent/tickets/${ticketId}/suggestions`);
      if (ticketId !== openTicketId) return;
      $("suggestions-for").textContent = body.for_message ? `For “${body.for_message}”` : "The customer has not written yet.";
      $("suggestions").replaceChildren(...body.articles.map((article) => {
        const item = el("li");
        const button = el("button", "suggestion");
        button.type = "button";
        button.title = "Insert this approved answer into the reply";
        button.append(el("strong", null, article.title), document.createTextNode(" "), el("span", "score", `(${article.score})`));
        button.addEventListener("click", () => {
          const reply = $("reply");
          reply.value = reply.value ? `${reply.value}\n\n${article.answer}` : article.answer;
          reply.focus();
        });
        item.append(button);
        return item;
      }));
    } catch (error) {
      $("suggestions-for").textContent = error.message;
    }
  }

  async function ticketAction(path, options, doneText) {
    setStatus($("ticket-status"), "");
    try {
      const body = await api(path, options);
      if (doneText) setStatus($("ticket-status"), doneText);
      return body;
    } catch (error) {
      setStatus($("ticket-status"), error.message, true);
      return null;
    }
  }

  $("claim").addEventListener("click", async () => {
    if (await ticketAction(`/api/v1/agent/tickets/${openTicketId}/claim`, { method: "POST" }, "You have this chat.")) {
      openTicket(openTicketId);
    } else {
      refreshDesk();
    }
  });

  $("resolve").addEventListener("click", async () => {
    const resolved = await ticketAction(`/api/v1/agent/tickets/${openTicketId}/resolve`, { method: "POST" });
    if (resolved) {
      openTicketId = null;
      $("ticket").hidden = true;
      $("side").hidden = true;
      refreshDesk();
    }
  });

  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply").value.trim();
    if (!text) return;
    const sent = await ticketAction(`/api/v1/agent/tickets/${openTicketId}/messages`, {
      method: "POST", body: JSON.stringify({ text }),
    });
    if (sent) {
      $("reply").value = "";
      appendLine(sent.message);
    }
  });
  $("reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("reply-form").requestSubmit();
    }
  });

  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("note").value.trim();
    if (!text) return;
    const created = await ticketAction(`/api/v1/agent/tickets/${openTicketId}/notes`, {
      method: "POST", body: JSON.stringify({ text }),
    });
    if (created) {
      $("note").value = "";
      openTicket(openTicketId);
    }
  });

  // --- live updates ----------------------------------------------------------------------------------
  function connect() {
    if (!token || socket) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/api/v1/agent/ws`);
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "auth", token })));
    socket.addEventListener("message", (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      if (event.type === "ready") {
        $("live").hidden = false;
      } else if (event.type === "queue_changed") {
        refreshDesk();
      } else if (event.type === "customer_message" || event.type === "proactive") {
        if (event.ticket_id === openTicketId) {
          appendLine({ from: event.type === "proactive" ? "bot" : "customer", text: event.text });
          loadSuggestions();
        } else {
          unread.add(event.ticket_id);
          refreshDesk();
        }
      }
    });
    socket.addEventListener("close", (closed) => {
      socket = null;
      $("live").hidden = true;
      if (closed.code === 4401 || closed.code === 4403) {
        signOut("Please sign in again.");
      } else if (token && closed.code !== 4429) {
        // Reconnect after a restart or a network blip; not after 4429 (a newer console of this agent took over,
        // and reconnecting would close that one in turn).
        setTimeout(connect, 3000);
      }
    });
  }

  if (token) showDesk();
})();
