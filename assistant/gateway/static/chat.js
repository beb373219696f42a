// The web chat: demo sign-in, the conversation so far, quick replies, and live bot, agent and proactive messages.
// Everything the bot, an agent or the customer says is inserted as text, never as HTML.
"use strict";

(function () {
  const TOKEN_KEY = "assistant.token";
  const CUSTOMER_KEY = "assistant.customer";

  const $ = (id) => document.getElementById(id);
  const ui = {
    signIn: $("sign-in"), demoSignIn: $("demo-sign-in"), personas: $("personas"), signInStatus: $("sign-in-status"),
    chat: $("chat"), transcript: $("transcript"), typing: $("typing"),
    composer: $("composer"), message: $("message"), send: $("send"),
    who: $("who"), signOut: $("sign-out"), banner: $("handoff-banner"),
  };
  const HISTORY_LIMIT = 100;
  let live = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // --- session -------------------------------------------------------------------------------
  function savedCustomer() {
    try { return JSON.parse(sessionStorage.getItem(CUSTOMER_KEY) || "null"); } catch (e) { return null; }
  }

  function showChat(customer) {
    ui.signIn.hidden = true;
    ui.chat.hidden = false;
    ui.signOut.hidden = false;
    ui.who.textContent = customer ? "Signed in as " + customer.name : "";
    ui.message.focus();
  }

  function signOut(reason) {
    if (live) live.close();
    live = null;
    delete document.body.dataset.live;
    showHandoff(null);
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(CUSTOMER_KEY);
    ui.transcript.replaceChildren();
    ui.chat.hidden = true;
    ui.signOut.hidden = true;
    ui.who.textContent = "";
    ui.signIn.hidden = false;
    setSignInStatus(reason || "", Boolean(reason));
    loadPersonas();
  }

  function setSignInStatus(text, isError) {
    ui.signInStatus.textContent = text;
    ui.signInStatus.classList.toggle("error", Boolean(isError));
  }

  async function api(path, options) {
    const headers = { "Content-Type": "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    let response;
    try {
      response = await fetch(path, { ...options, headers });
    } catch (e) {
      return { ok: false, status: 0, error: { message: "We could not reach the bank. Check your connection and try again." } };
    }
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (response.ok) return { ok: true, status: response.status, body };
    const error = (body && body.error) || { message: "Something went wrong (HTTP " + response.status + ")." };
    return { ok: false, status: response.status, error };
  }

  async function loadPersonas() {
    ui.personas.replaceChildren();
    const result = await api("/api/v1/demo/customers", { method: "GET" });
    if (!result.ok) {
      setSignInStatus(result.status === 404
        ? "Please sign in through the Lumen Bank app."
        : result.error.message, true);
      return;
    }
    if (!result.body.customers.length) {
      setSignInStatus("There are no demo customers yet: seed the demo bank first.", true);
      return;
    }
    // Shown only where the gateway offers demo sign-in (the embedded profile), so production shows none of it.
    ui.demoSignIn.hidden = false;
    for (const customer of result.body.customers) {
      const button = el("button", "persona");
      button.type = "button";
      button.append(el("span", "persona-name", customer.name));
      if (customer.description) button.append(el("span", "persona-about", customer.description));
      button.addEventListener("click", () => signIn(customer.id));
      const item = el("li");
      item.append(button);
      ui.personas.append(item);
    }
  }

  async function signIn(customerId) {
    setSignInStatus("Signing in…");
    const result = await api("/api/v1/auth/demo", { method: "POST", body: JSON.stringify({ customer_id: customerId }) });
    if (!result.ok) {
      setSignInStatus(result.error.message, true);
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, result.body.token);
    sessionStorage.setItem(CUSTOMER_KEY, JSON.stringify(result.body.customer));
    setSignInStatus("");
    startConversation(result.body.customer, "Hello " + result.body.customer.name.split(" ")[0] +
      ". Ask about your balance, recent transactions, spending, bills, transfers or cards.");
  }

  // The conversation so far comes from the server (the tracker is the record); then live events follow.
  async function startConversation(customer, greeting) {
    showChat(customer);
    await loadHistory(greeting);
    if (!sessionStorage.getItem(TOKEN_KEY)) return;
    live = window.LumenLive.connect(sessionStorage.getItem(TOKEN_KEY), {
      onEvent: showEvent,
      onReady: (isReconnect, resumed) => {
        document.body.dataset.live = "on";
        // A resumed channel sends what was missed itself; otherwise the history (the tracker) is the record.
        if (isReconnect && !resumed) loadHistory(null);
      },
      onDown: () => { document.body.dataset.live = "off"; },
      onRefused: (reason) => signOut(reason.charAt(0).toUpperCase() + reason.slice(1) + "."),
    });
  }

  async function loadHistory(greeting) {
    const result = await api("/api/v1/chat/history?limit=" + HISTORY_LIMIT, { method: "GET" });
    if (result.status === 401) {
      signOut(result.error.message);
      return;
    }
    if (!result.ok) {
      addNote("Earlier messages could not be loaded just now.");
      if (greeting) addNote(greeting);
      return;
    }
    const entries = result.body.messages;
    ui.transcript.replaceChildren();
    if (!entries.length && greeting) addNote(greeting);
    entries.forEach((entry, index) => showEntry(entry, index === entries.length - 1));
    showHandoff(handoffStateOf(entries));
  }

  // --- handoff -------------------------------------------------------------------------------
  function isHandoff(message) { return Boolean(message.custom && message.custom.type === "handoff"); }

  // A chat is with a person from the bot's handoff message until the bot speaks again (the handback).
  function handoffStateOf(entries) {
    let state = null;
    for (const entry of entries) {
      if (entry.from === "bot") state = isHandoff(entry) ? { agent: null } : null;
      else if (entry.from === "agent" && state) state = { agent: entry.agent_name || null };
    }
    return state;
  }

  function showHandoff(state) {
    ui.banner.hidden = !state;
    if (state) {
      ui.banner.textContent = state.agent
        ? state.agent + " from Lumen is looking after this chat."
        : "A member of our support team will join this chat shortly.";
    }
  }

  // --- transcript ----------------------------------------------------------------------------
  function append(node) {
    ui.transcript.append(node);
    node.scrollIntoView({ block: "end", behavior: "smooth" });
    return node;
  }

  function addNote(text) { return append(el("li", "note", text)); }
  function addAgentMessage(name, message) {
    const item = el("li", "bubble from-agent");
    item.append(el("span", "agent-name", (name || "Support") + " from Lumen"), el("span", "agent-text", message.text || ""));
    return append(item);
  }
  function addCustomerBubble(text) { return append(el("li", "bubble from-customer", text)); }
  function addBotError(text) {
    const item = el("li", "bubble from-bot error", text);
    item.setAttribute("role", "alert");
    return append(item);
  }

  function quickReplies(buttons, active) {
    const item = el("li", "quick-replies");
    item.setAttribute("aria-label", "Suggested replies");
    for (const button of buttons) {
      const reply = el("button", "quick-reply", button.title);
      reply.type = "button";
      reply.disabled = active === false;
      reply.addEventListener("click", () => {
        for (const other of item.querySelectorAll("button")) other.disabled = true;
        send(button.payload, button.title);
      });
      item.append(reply);
    }
    return item;
  }

  function addBotMessage(message, options) {
    const { proactive = false, active = true } = options || {};
    if (message.text) append(el("li", "bubble from-bot" + (proactive ? " proactive" : ""), message.text));
    if (message.custom) {
      const content = window.LumenWidgets.customContent(message.custom);
      if (content) {
        const item = el("li", "bubble from-bot wide");
        item.append(content);
        append(item);
      }
    }
    if (message.buttons && message.buttons.length) append(quickReplies(message.buttons, active));
  }

  // One entry of the history; only the latest entry's buttons can still be pressed.
  function showEntry(entry, isLatest) {
    if (entry.from === "customer") addCustomerBubble(entry.text);
    else if (entry.from === "agent") addAgentMessage(entry.agent_name, entry);
    else addBotMessage(entry, { proactive: Boolean(entry.proactive), active: isLatest });
  }

  // An event pushed over the live channel (assistant/gateway/realtime.py).
  function showEvent(event) {
    const messages = event.messages || [];
    if (event.type === "agent") {
      const name = event.agent && event.agent.name;
      showHandoff({ agent: name || null });
      messages.forEach((message) => addAgentMessage(name, message));
      return;
    }
    if (event.type === "proactive" && event.notification) addNote(event.notification.title);
    if (event.type === "handback") showHandoff(null);
    messages.forEach((message) => addBotMessage(message, { proactive: event.type === "proactive" }));
    if (event.type === "handoff" || messages.some(isHandoff)) showHandoff({ agent: null });
  }

  // --- sending -------------------------------------------------------------------------------
  function busy(isBusy) {
    ui.send.disabled = isBusy;
    ui.typing.hidden = !isBusy;
  }

  async function send(message, shownAs) {
    addCustomerBubble(shownAs || message);
    busy(true);
    const result = await api("/api/v1/chat", { method: "POST", body: JSON.stringify({ message }) });
    busy(false);
    if (result.status === 401) {
      signOut(result.error.message);
      return;
    }
    if (!result.ok) {
      addBotError(result.error.message);
      return;
    }
    const messages = result.body.messages;
    // While a person has the chat, the bot is silent and the message has gone to them.
    if (!messages.length && !result.body.handoff) addNote("The assistant had nothing to add.");
    messages.forEach((reply) => addBotMessage(reply));
    if (messages.some(isHandoff)) showHandoff({ agent: null });
  }

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.message.value.trim();
    if (!text || ui.send.disabled) return;
    ui.message.value = "";
    send(text);
  });

  // Enter sends, Shift+Enter starts a new line, as in messaging apps.
  ui.message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });

  ui.signOut.addEventListener("click", () => signOut(""));

  const customer = savedCustomer();
  if (sessionStorage.getItem(TOKEN_KEY) && customer) {
    startConversation(customer, "Welcome back, " + customer.name.split(" ")[0] + ".");
  } else {
    loadPersonas();
  }
})();
