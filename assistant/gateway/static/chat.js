// The web chat: demo sign-in, a transcript, quick replies, transaction tables and spending charts.
// Everything the bot or the customer says is inserted as text, never as HTML.
"use strict";

(function () {
  const TOKEN_KEY = "assistant.token";
  const CUSTOMER_KEY = "assistant.customer";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const CURRENCY_SYMBOLS = { GBP: "£", EUR: "€", USD: "$" };

  const $ = (id) => document.getElementById(id);
  const ui = {
    signIn: $("sign-in"), personas: $("personas"), signInStatus: $("sign-in-status"),
    chat: $("chat"), transcript: $("transcript"), typing: $("typing"),
    composer: $("composer"), message: $("message"), send: $("send"),
    who: $("who"), signOut: $("sign-out"),
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Amounts arrive as decimal strings ("-1234.50"); format them as text, without float arithmetic.
  function formatMoney(amount, currency) {
    const raw = String(amount).trim();
    const negative = raw.startsWith("-");
    const [whole, fraction = "00"] = raw.replace(/^[-+]/, "").split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const symbol = CURRENCY_SYMBOLS[currency] || (currency ? currency + " " : "");
    return (negative ? "−" : "") + symbol + grouped + "." + fraction.padEnd(2, "0");
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
        ? "Demo sign-in is not offered here. Please sign in through the Lumen Bank app."
        : result.error.message, true);
      return;
    }
    if (!result.body.customers.length) {
      setSignInStatus("There are no demo customers yet: seed the demo bank first.", true);
      return;
    }
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
    showChat(result.body.customer);
    addNote("Hello " + result.body.customer.name.split(" ")[0] +
      ". Ask about your balance, recent transactions, spending, bills, transfers or cards.");
  }

  // --- transcript ----------------------------------------------------------------------------
  function append(node) {
    ui.transcript.append(node);
    node.scrollIntoView({ block: "end", behavior: "smooth" });
    return node;
  }

  function addNote(text) { return append(el("li", "note", text)); }
  function addCustomerBubble(text) { return append(el("li", "bubble from-customer", text)); }
  function addBotError(text) {
    const item = el("li", "bubble from-bot error", text);
    item.setAttribute("role", "alert");
    return append(item);
  }

  function quickReplies(buttons) {
    const item = el("li", "quick-replies");
    item.setAttribute("aria-label", "Suggested replies");
    for (const button of buttons) {
      const reply = el("button", "quick-reply", button.title);
      reply.type = "button";
      reply.addEventListener("click", () => {
        for (const other of item.querySelectorAll("button")) other.disabled = true;
        send(button.payload, button.title);
      });
      item.append(reply);
    }
    return item;
  }

  function transactionsTable(payload) {
    const items = payload.items || [];
    if (!items.length) return el("p", null, "No transactions to show.");
    const table = el("table", "transactions");
    table.append(el("caption", null, payload.title || "Transactions"));
    const head = el("tr");
    for (const [label, cls] of [["Date", ""], ["Merchant", ""], ["Category", "category"], ["Amount", "amount"]]) {
      const th = el("th", cls, label);
      th.scope = "col";
      head.append(th);
    }
    const thead = el("thead");
    thead.append(head);
    const tbody = el("tbody");
    for (const item of items) {
      const row = el("tr");
      const credit = !String(item.amount).trim().startsWith("-");
      row.append(el("td", null, item.date), el("td", null, item.merchant), el("td", "category", item.category),
        el("td", "amount" + (credit ? " credit" : ""), formatMoney(item.amount, item.currency)));
      tbody.append(row);
    }
    table.append(thead, tbody);
    return table;
  }

  function spendingChart(payload) {
    const figure = el("figure", "spending");
    const categories = payload.categories || [];
    const currency = payload.currency;
    const title = payload.title || "Spending by category";
    figure.append(el("figcaption", "chart-title", title + (payload.period && payload.period.label ? " (" + payload.period.label + ")" : "")));
    if (!categories.length) {
      figure.append(el("p", null, "No spending in this period."));
      return figure;
    }
    // Bar lengths only need proportions, so reading the decimal strings as numbers is fine here.
    const values = categories.map((c) => Math.abs(Number(c.amount)) || 0);
    const largest = Math.max(...values, 0.01);
    const rowHeight = 26, labelWidth = 110, barSpace = 130, width = 320;
    const chart = svg("svg", {
      class: "chart", viewBox: `0 0 ${width} ${categories.length * rowHeight + 4}`, role: "img",
      "aria-label": title + ": " + categories.map((c) => c.category + " " + formatMoney(c.amount, currency)).join(", "),
    });
    chart.append(svg("title", {}, title));
    categories.forEach((category, index) => {
      const y = index * rowHeight + 4;
      const barWidth = Math.max(2, (values[index] / largest) * barSpace);
      const name = category.category.length > 16 ? category.category.slice(0, 15) + "…" : category.category;
      chart.append(
        svg("text", { x: 0, y: y + 15 }, name),
        svg("rect", { class: "bar", x: labelWidth, y: y + 3, width: barWidth.toFixed(1), height: rowHeight - 10, rx: 3 }),
        svg("text", { x: labelWidth + barWidth + 6, y: y + 15 }, formatMoney(category.amount, currency)),
      );
    });
    figure.append(chart);
    if (payload.total !== undefined) figure.append(el("p", "chart-total", "Total " + formatMoney(payload.total, currency)));
    return figure;
  }

  function customContent(custom) {
    if (custom.type === "transactions") return transactionsTable(custom);
    if (custom.type === "spending_chart") return spendingChart(custom);
    return null;
  }

  function addBotMessage(message) {
    if (message.text) append(el("li", "bubble from-bot", message.text));
    if (message.custom) {
      const content = customContent(message.custom);
      if (content) {
        const item = el("li", "bubble from-bot wide");
        item.append(content);
        append(item);
      }
    }
    if (message.buttons && message.buttons.length) append(quickReplies(message.buttons));
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
    if (!result.body.messages.length) addNote("The assistant had nothing to add.");
    result.body.messages.forEach(addBotMessage);
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
    showChat(customer);
    addNote("Welcome back, " + customer.name.split(" ")[0] + ".");
  } else {
    loadPersonas();
  }
})();
