/*
 * finbot web chat widget. Plain JavaScript, no framework, no bundler.
 *
 * Embed with one tag (see docs/widget.md):
 *   <script src="https://bank.example/widget/finbot-widget.js" data-server="https://bank.example"
 *           data-title="Ask Finbot" data-primary-color="#0b5cad" data-token="..." defer></script>
 *
 * It loads finbot-widget.css and socket.io.min.js from beside itself (the folder of its
 * own URL, wherever that is: the finbot server's /widget/, a CDN, the bank's own static
 * files; never a path of the host page), then talks Rasa's socket.io protocol
 * (session_request / session_confirm, user_uttered / bot_uttered) with data-server
 * (default: the script's origin). What it keeps: the session id and the transcript in
 * sessionStorage only (gone when the tab closes); never localStorage, never cookies.
 * A message in which the server hid something is stored as the server kept it
 * ("[card number hidden]"), not as typed.
 */
(function () {
  "use strict";
  var NOT_KEPT = "(message not kept)";

  var script = document.currentScript ||
    document.querySelector('script[src*="finbot-widget.js"]');
  if (!script || window.__finbotWidgetMounted) { return; }
  window.__finbotWidgetMounted = true;

  // The script's own absolute URL (.src is resolved against the page; the attribute is the fallback).
  var scriptUrl = new URL(script.src || script.getAttribute("src"), document.baseURI);
  // A file that ships with the script, from the same folder, with the script's query (a cache-busting
  // version) carried over: "https://cdn.example/finbot/1.2/finbot-widget.js?v=3" gives
  // "https://cdn.example/finbot/1.2/finbot-widget.css?v=3".
  function assetUrl(name) {
    var url = new URL(name, scriptUrl);
    url.search = scriptUrl.search;
    return url.href;
  }
  var config = {
    server: (script.dataset.server || scriptUrl.origin).replace(/\/+$/, ""),
    title: script.dataset.title || "Finbot",
    primary: script.dataset.primaryColor || "",
    token: script.dataset.token || "",
    socketPath: script.dataset.socketPath || "/socket.io"
  };
  var STORE_PREFIX = "finbot:" + config.server + ":";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var TYPING_TIMEOUT_MS = 30000;

  // ---- storage: sessionStorage only -------------------------------------------------
  var store = {
    get: function (key) {
      try { return JSON.parse(window.sessionStorage.getItem(STORE_PREFIX + key)); } catch (e) { return null; }
    },
    set: function (key, value) {
      try { window.sessionStorage.setItem(STORE_PREFIX + key, JSON.stringify(value)); } catch (e) { /* full or off */ }
    },
    remove: function (key) {
      try { window.sessionStorage.removeItem(STORE_PREFIX + key); } catch (e) { /* off */ }
    }
  };

  // ---- small DOM helpers ------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "className") { node.className = attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }
  // Icons as inline SVG: no icon font, no emoji font needed.
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    lock: "M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1zm2 0h6V7a3 3 0 0 0-6 0v3z"
  };
  function icon(name, className) {
    return svg("svg", { viewBox: "0 0 24 24", width: "18", height: "18", "aria-hidden": "true", focusable: "false",
      "class": className }, [svg("path", { d: ICONS[name], fill: "currentColor" })]);
  }
  function clock(iso) {
    var date = new Date(iso);
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function number(value, currency) {
    // Money to the penny; plain figures (the advice charts) drop the pennies once large.
    var digits = currency || Math.abs(value) < 1000 ? 2 : 0;
    var options = { maximumFractionDigits: digits, minimumFractionDigits: digits };
    if (currency) { options.style = "currency"; options.currency = currency; }
    try { return new Intl.NumberFormat(undefined, options).format(value); } catch (e) { return String(value); }
  }
  function newId() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }

  // ---- charts: inline SVG with a text alternative -----------------------------------
  function chartSummary(chart) {
    var series = chartSeries(chart);
    if (chart.type === "bar") {
      return chart.labels.map(function (label, i) {
        return label + " " + number(series[0].values[i], chart.currency);
      }).join(", ");
    }
    return series.map(function (line) {
      var values = line.values;
      return (line.name ? line.name + ": " : "") + "from " + number(values[0], chart.currency) + " to " +
        number(values[values.length - 1], chart.currency) + " over " + (values.length - 1) + " " +
        (chart.x_label || "steps");
    }).join("; ");
  }
  function chartSeries(chart) {
    if (Array.isArray(chart.series) && chart.series.length) { return chart.series; }
    return [{ name: "", values: chart.values || [] }];
  }
  function barChart(chart, titleId) {
    var values = chartSeries(chart)[0].values;
    var max = Math.max.apply(null, values.concat([1]));
    var rowHeight = 26, labelWidth = 96, width = 300, barSpace = width - labelWidth - 70;
    var height = values.length * rowHeight + 8;
    var graphic = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": titleId,
      "class": "finbot-chart-svg", focusable: "false" });
    graphic.appendChild(svg("title", { id: titleId, text: chart.title + ": " + chartSummary(chart) }));
    values.forEach(function (value, i) {
      var y = 4 + i * rowHeight;
      var barWidth = Math.max(2, Math.round(barSpace * value / max));
      graphic.appendChild(svg("text", { x: labelWidth - 6, y: y + 16, "text-anchor": "end", "class": "finbot-chart-label",
        text: String(chart.labels[i]).slice(0, 14) }));
      graphic.appendChild(svg("rect", { x: labelWidth, y: y + 3, width: barWidth, height: rowHeight - 8, rx: 3,
        "class": "finbot-chart-bar" }));
      graphic.appendChild(svg("text", { x: labelWidth + barWidth + 4, y: y + 16, "class": "finbot-chart-value",
        text: number(value, chart.currency) }));
    });
    return graphic;
  }
  function lineChart(chart, titleId) {
    var series = chartSeries(chart);
    var all = [].concat.apply([], series.map(function (s) { return s.values; }));
    var max = Math.max.apply(null, all.concat([1])), min = Math.min.apply(null, all.concat([0]));
    var width = 300, height = 170, left = 56, right = 10, top = 12, bottom = 30;
    var steps = Math.max(1, Math.max.apply(null, series.map(function (s) { return s.values.length; })) - 1);
    function px(i) { return left + (width - left - right) * i / steps; }
    function py(v) { return top + (height - top - bottom) * (1 - (v - min) / ((max - min) || 1)); }
    var graphic = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-labelledby": titleId,
      "class": "finbot-chart-svg", focusable: "false" });
    graphic.appendChild(svg("title", { id: titleId, text: chart.title + ": " + chartSummary(chart) }));
    graphic.appendChild(svg("line", { x1: left, y1: py(min), x2: width - right, y2: py(min), "class": "finbot-chart-axis" }));
    graphic.appendChild(svg("line", { x1: left, y1: top, x2: left, y2: py(min), "class": "finbot-chart-axis" }));
    graphic.appendChild(svg("text", { x: left - 4, y: py(max) + 4, "text-anchor": "end", "class": "finbot-chart-label",
      text: number(max, chart.currency) }));
    graphic.appendChild(svg("text", { x: left - 4, y: py(min), "text-anchor": "end", "class": "finbot-chart-label",
      text: number(min, chart.currency) }));
    graphic.appendChild(svg("text", { x: left, y: height - 10, "class": "finbot-chart-label", text: "0" }));
    graphic.appendChild(svg("text", { x: width - right, y: height - 10, "text-anchor": "end", "class": "finbot-chart-label",
      text: steps + " " + (chart.x_label || "") }));
    series.forEach(function (line, n) {
      var points = line.values.map(function (v, i) { return px(i).toFixed(1) + "," + py(v).toFixed(1); }).join(" ");
      graphic.appendChild(svg("polyline", { points: points, "class": "finbot-chart-line finbot-chart-line-" + (n % 3) }));
    });
    return graphic;
  }
  function chartTable(chart) {
    // The numbers behind the picture, for screen readers (visually hidden).
    var series = chartSeries(chart);
    var head = el("tr", {}, [el("th", { scope: "col", text: chart.x_label || "Item" })].concat(
      series.map(function (s) { return el("th", { scope: "col", text: s.name || "Value" }); })));
    var rows = (chart.labels || series[0].values.map(function (_, i) { return String(i); })).map(function (label, i) {
      return el("tr", {}, [el("th", { scope: "row", text: String(label) })].concat(
        series.map(function (s) { return el("td", { text: s.values[i] === undefined ? "" : number(s.values[i], chart.currency) }); })));
    });
    return el("table", { className: "finbot-visually-hidden" }, [el("caption", { text: chart.title }),
      el("thead", {}, [head]), el("tbody", {}, rows)]);
  }
  function renderChart(chart) {
    if (!chart || !Array.isArray(chart.values || chart.series)) { return null; }
    var titleId = "finbot-chart-" + newId();
    var figure = el("figure", { className: "finbot-chart" });
    figure.appendChild(el("figcaption", { text: chart.title || "Chart" }));
    figure.appendChild(chart.type === "line" ? lineChart(chart, titleId) : barChart(chart, titleId));
    if (Array.isArray(chart.series) && chart.series.length > 1) {
      figure.appendChild(el("p", { className: "finbot-chart-legend" }, chart.series.map(function (s, n) {
        return el("span", { className: "finbot-legend-" + (n % 3), text: s.name });
      })));
    }
    figure.appendChild(chartTable(chart));
    return figure;
  }

  // ---- the widget -------------------------------------------------------------------
  function Widget() {
    this.entries = store.get("transcript") || [];
    this.sessionId = store.get("session");
    this.socket = null;
    this.typingTimer = null;
    this.lastSent = null; // the user entry awaiting the server's first answer
    this.wantGreeting = !this.entries.length; // a new conversation starts with the assistant's hello
    this.build();
    this.entries.forEach(this.renderEntry, this);
  }

  Widget.prototype.build = function () {
    var self = this;
    this.root = el("div", { className: "finbot", "data-open": "false" });
    if (config.primary) { this.root.style.setProperty("--finbot-primary", config.primary); }
    this.launcher = el("button", { type: "button", className: "finbot-launcher", "aria-expanded": "false",
      "aria-controls": "finbot-panel", "aria-label": "Open chat: " + config.title }, [
      icon("chat", "finbot-launcher-icon"),
      el("span", { className: "finbot-launcher-text", text: "Chat with us" })]);
    this.status = el("p", { className: "finbot-status", role: "status", text: "Connecting\u2026" });
    this.clearButton = el("button", { type: "button", className: "finbot-icon-button finbot-clear",
      "aria-label": "Clear conversation (also erases it on the server)", title: "Clear conversation", text: "Clear" });
    this.closeButton = el("button", { type: "button", className: "finbot-icon-button finbot-close",
      "aria-label": "Close chat", title: "Close chat", text: "\u00D7" });
    this.log = el("div", { className: "finbot-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": "Conversation", tabindex: "0" });
    this.typing = el("div", { className: "finbot-typing", hidden: "hidden", "aria-hidden": "true" },
      [el("span"), el("span"), el("span")]);
    this.input = el("input", { id: "finbot-input", className: "finbot-input", type: "text", autocomplete: "off",
      maxlength: "2000", placeholder: "Type your question\u2026" });
    this.sendButton = el("button", { type: "submit", className: "finbot-send", text: "Send" });
    this.form = el("form", { className: "finbot-form" }, [
      el("label", { "for": "finbot-input", className: "finbot-visually-hidden", text: "Your message" }),
      this.input, this.sendButton]);
    this.panel = el("section", { id: "finbot-panel", className: "finbot-panel", role: "dialog",
      "aria-labelledby": "finbot-title", hidden: "hidden" }, [
      el("header", { className: "finbot-header" }, [
        el("div", { className: "finbot-heading" }, [el("h2", { id: "finbot-title", text: config.title }), this.status]),
        this.clearButton, this.closeButton]),
      this.log, this.typing, this.form,
      el("p", { className: "finbot-privacy", text: "Card numbers and other personal details are hidden before anything is saved. " +
        "This chat is kept in this tab only." })]);
    this.root.appendChild(this.panel);
    this.root.appendChild(this.launcher);
    document.body.appendChild(this.root);

    this.launcher.addEventListener("click", function () { self.open(); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.clearButton.addEventListener("click", function () { self.clear(); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); self.close(); }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (text) { self.input.value = ""; self.send(text, text); }
    });
    if (store.get("open")) { this.open(true); }
  };

  Widget.prototype.open = function (restoring) {
    this.panel.hidden = false;
    this.root.setAttribute("data-open", "true");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.hidden = true;
    store.set("open", true);
    this.connect();
    this.scrollDown();
    if (!restoring) { this.input.focus(); }
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.root.setAttribute("data-open", "false");
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    store.set("open", false);
    this.launcher.focus();
  };

  Widget.prototype.setStatus = function (text, state) {
    this.status.textContent = text;
    this.root.setAttribute("data-connection", state);
  };

  Widget.prototype.connect = function () {
    var self = this;
    if (this.socket) { return; }
    var options = { path: config.socketPath, transports: ["websocket", "polling"], reconnection: true,
      reconnectionDelay: 500, reconnectionDelayMax: 4000 };
    if (config.token) { options.auth = { token: config.token }; }
    var socket = this.socket = window.io(config.server, options);
    socket.on("connect", function () {
      self.setStatus("Online", "online");
      // After a server restart too: ask for the same session, so the conversation goes on.
      socket.emit("session_request", { session_id: self.sessionId || null, structured: true });
    });
    socket.on("session_confirm", function (sessionId) {
      if (typeof sessionId === "string") { self.sessionId = sessionId; store.set("session", sessionId); }
      if (self.wantGreeting) { self.wantGreeting = false; self.greet(); }
    });
    socket.on("disconnect", function () { self.setStatus("Reconnecting\u2026", "offline"); });
    socket.on("connect_error", function (error) {
      var refused = error && error.message && !/xhr|websocket|timeout/i.test(error.message);
      self.setStatus(refused ? "Not signed in: " + error.message : "Can't reach the assistant; retrying\u2026", "offline");
    });
    socket.on("bot_uttered", function (message) { self.receive(message || {}); });
    socket.on("user_redacted", function (data) { self.keepRedacted(data || {}); });
  };

  Widget.prototype.greet = function () {
    // Start the conversation without showing a message from the person.
    if (this.socket && this.sessionId) {
      this.showTyping(true);
      this.socket.emit("user_uttered", { message: "/greet", session_id: this.sessionId });
    }
  };

  Widget.prototype.send = function (text, shown) {
    if (!this.socket || !this.socket.connected || !this.sessionId) {
      this.setStatus("Not connected yet; your message was not sent.", "offline");
      return;
    }
    this.removeQuickReplies();
    var entry = { id: newId(), from: "user", text: shown, at: new Date().toISOString(), settled: false };
    this.lastSent = entry;
    this.add(entry);
    this.showTyping(true);
    this.socket.emit("user_uttered", { message: text, session_id: this.sessionId });
  };

  Widget.prototype.receive = function (message) {
    if (message.redaction && this.lastSent) {
      // Kinds and labels only: the note goes on the person's own message, not into a bubble.
      this.lastSent.redaction = message.redaction.labels || message.redaction.kinds || [];
      this.renderLockNote(this.lastSent);
      this.save();
      return;
    }
    this.settle();
    this.showTyping(false);
    var entry = { id: newId(), from: "bot", at: new Date().toISOString(), text: message.text || "" };
    if (Array.isArray(message.quick_replies) && message.quick_replies.length) {
      entry.quickReplies = message.quick_replies.map(function (r) { return { title: r.title, payload: r.payload }; });
    }
    if (message.custom && message.custom.chart) { entry.chart = message.custom.chart; }
    if (message.attachment && message.attachment.payload && message.attachment.type === "image") {
      entry.image = message.attachment.payload.src;
    }
    if (!entry.text && !entry.chart && !entry.image) { return; }
    this.add(entry);
  };

  Widget.prototype.keepRedacted = function (data) {
    // Store what the server kept ("[card number hidden]"); the bubble on screen keeps what was typed.
    if (this.lastSent && typeof data.text === "string") {
      this.lastSent.kept = data.text;
      this.lastSent.settled = true;
      this.save();
    }
  };

  Widget.prototype.settle = function () {
    if (this.lastSent && !this.lastSent.settled) { this.lastSent.settled = true; this.save(); }
    this.lastSent = null;
  };

  Widget.prototype.add = function (entry) {
    this.entries.push(entry);
    this.renderEntry(entry);
    this.save();
  };

  Widget.prototype.save = function () {
    // A message is stored only in the form the server says it kept (user_redacted, sent for every
    // message it admitted). One the server refused or never confirmed is stored without its text.
    var kept = this.entries.filter(function (e) { return e.from !== "user" || e.settled; }).map(function (e) {
      var copy = {};
      Object.keys(e).forEach(function (k) { if (k !== "kept") { copy[k] = e[k]; } });
      if (e.from === "user") { copy.text = typeof e.kept === "string" ? e.kept : NOT_KEPT; }
      return copy;
    });
    store.set("transcript", kept);
  };

  Widget.prototype.renderEntry = function (entry) {
    var bubble = el("div", { className: "finbot-message finbot-from-" + entry.from, id: "finbot-msg-" + entry.id });
    var author = entry.from === "user" ? "You" : config.title;
    bubble.appendChild(el("span", { className: "finbot-visually-hidden", text: author + " said: " }));
    if (entry.text) {
      entry.text.split("\n").forEach(function (line, i) {
        if (i) { bubble.appendChild(el("br")); }
        bubble.appendChild(document.createTextNode(line));
      });
    }
    if (entry.image) { bubble.appendChild(el("img", { src: entry.image, alt: "", className: "finbot-image" })); }
    var chart = renderChart(entry.chart);
    if (chart) { bubble.appendChild(chart); }
    var meta = el("p", { className: "finbot-meta" }, [el("time", { datetime: entry.at, text: clock(entry.at) })]);
    bubble.appendChild(meta);
    this.log.appendChild(bubble);
    if (entry.redaction) { this.renderLockNote(entry); }
    if (entry.quickReplies && entry === this.entries[this.entries.length - 1]) { this.renderQuickReplies(entry); }
    this.scrollDown();
  };

  Widget.prototype.renderLockNote = function (entry) {
    var bubble = document.getElementById("finbot-msg-" + entry.id);
    if (!bubble || bubble.querySelector(".finbot-lock")) { return; }
    var labels = entry.redaction.length ? entry.redaction : ["personal detail"];
    var text = labels.join(", ") + " hidden before saving";
    bubble.appendChild(el("p", { className: "finbot-lock" }, [
      icon("lock", "finbot-lock-icon"),
      el("span", { text: text.charAt(0).toUpperCase() + text.slice(1) })]));
  };

  Widget.prototype.renderQuickReplies = function (entry) {
    var self = this;
    var group = el("div", { className: "finbot-quick-replies", role: "group", "aria-label": "Suggested replies" });
    entry.quickReplies.forEach(function (reply) {
      var button = el("button", { type: "button", className: "finbot-quick-reply", text: reply.title });
      button.addEventListener("click", function () { self.send(reply.payload, reply.title); self.input.focus(); });
      group.appendChild(button);
    });
    this.log.appendChild(group);
  };

  Widget.prototype.removeQuickReplies = function () {
    Array.prototype.forEach.call(this.log.querySelectorAll(".finbot-quick-replies"), function (group) { group.remove(); });
    this.entries.forEach(function (e) { delete e.quickReplies; });
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    this.log.setAttribute("aria-busy", on ? "true" : "false");
    if (on) {
      this.typingTimer = setTimeout(function () { self.showTyping(false); }, TYPING_TIMEOUT_MS);
      this.scrollDown();
    }
  };

  Widget.prototype.scrollDown = function () { this.log.scrollTop = this.log.scrollHeight; };

  Widget.prototype.clear = function () {
    var self = this;
    if (!this.socket || !this.socket.connected) {
      this.setStatus("Not connected: the conversation could not be erased yet.", "offline");
      return;
    }
    this.clearButton.disabled = true;
    this.socket.timeout(10000).emit("session_erase", {}, function (error, answer) {
      self.clearButton.disabled = false;
      if (!error && answer && answer.erased) {
        self.clearTab("Conversation cleared: the assistant has erased it.", true);
        self.socket.emit("session_request", { session_id: null, structured: true });
      } else if (!error && answer && answer.status === 403) {
        // The page's token may chat but not erase: this tab forgets; the server copy stays until erased elsewhere.
        self.clearTab("Cleared in this window. To erase the assistant's copy too, " +
          "use the privacy settings of your bank's app.", false);
      } else {
        self.setStatus("Could not erase the conversation; please try again.", "online");
      }
    });
  };

  Widget.prototype.clearTab = function (note, newSession) {
    this.entries = [];
    this.lastSent = null;
    store.remove("transcript");
    this.log.textContent = "";
    if (newSession) { this.sessionId = null; store.remove("session"); }
    this.add({ id: newId(), from: "system", at: new Date().toISOString(), text: note });
    this.wantGreeting = true;
    this.input.focus();
  };

  function mount() {
    window.finbotWidget = new Widget();
  }
  function loadStyle() {
    if (document.querySelector('link[data-finbot-style]')) { return; }
    var link = el("link", { rel: "stylesheet", href: assetUrl("finbot-widget.css"), "data-finbot-style": "" });
    document.head.appendChild(link);
  }
  function loadSocketIo(done) {
    if (window.io) { done(); return; }
    var tag = el("script", { src: assetUrl("socket.io.min.js") });
    tag.addEventListener("load", done);
    tag.addEventListener("error", function () { if (window.console) { console.error("finbot: socket.io client did not load"); } });
    document.head.appendChild(tag);
  }

  loadStyle();
  loadSocketIo(function () {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mount); } else { mount(); }
  });
}());
