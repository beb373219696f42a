// Rich bot content for the web chat: transaction tables and spending charts, and money formatting.
// Everything is built as DOM nodes with text content, never from HTML strings.
"use strict";

window.LumenWidgets = (function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const CURRENCY_SYMBOLS = { GBP: "£", EUR: "€", USD: "$" };

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

  return { customContent, formatMoney };
})();
