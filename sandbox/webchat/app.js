// The sandbox's web chat. It reads and drives the emulator through the control API (/__control/...)
// and follows each open chat as server-sent events (/webchat/chats/{id}/events); no build step.
"use strict";

const MAX_PANES = 3;
const STORAGE_KEY = "sandbox-webchat";
const panes = new Map(); // user id -> ChatPane, in the order they were opened
let people = [];
let bot = null;

// --- the control API ---

async function control(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(`/__control${path}`, options);
  const answer = await response.json();
  if (!answer.ok) throw new Error(answer.error || response.statusText);
  return answer;
}

// --- Telegram's formatting: the text and its entities as DOM nodes (text is never parsed as HTML) ---

function formatted(text, entities) {
  const fragment = document.createDocumentFragment();
  if (!text) return fragment;
  // Offsets are in UTF-16 code units, as JavaScript strings are indexed.
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  appendRange(fragment, text, 0, text.length, sorted);
  return fragment;
}

function appendRange(parent, text, start, end, entities) {
  let position = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    if (entity.offset < position) { i += 1; continue; } // overlaps what is already drawn: Telegram nests, never overlaps
    if (entity.offset >= end) break;
    parent.append(text.slice(position, entity.offset));
    const entityEnd = Math.min(entity.offset + entity.length, end);
    let j = i + 1;
    while (j < entities.length && entities[j].offset < entityEnd) j += 1;
    const element = elementFor(entity, text.slice(entity.offset, entityEnd));
    appendRange(element.firstElementChild || element, text, entity.offset, entityEnd, entities.slice(i + 1, j));
    parent.append(element);
    position = entityEnd;
    i = j;
  }
  parent.append(text.slice(position, end));
}

const TAGS = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code",
               blockquote: "blockquote", expandable_blockquote: "blockquote" };

function elementFor(entity, part) {
  if (TAGS[entity.type]) return document.createElement(TAGS[entity.type]);
  if (entity.type === "pre") {
    const pre = document.createElement("pre");
    const code = pre.appendChild(document.createElement("code"));
    if (entity.language) code.dataset.language = entity.language;
    return pre;
  }
  if (entity.type === "spoiler") {
    const spoiler = element("span", "spoiler");
    spoiler.title = "Spoiler: click to show";
    spoiler.addEventListener("click", () => spoiler.classList.add("revealed"));
    return spoiler;
  }
  const href = entity.type === "text_link" ? safeUrl(entity.url)
    : entity.type === "url" ? safeUrl(/^[a-z][\w+.-]*:/i.test(part) ? part : `http://${part}`)
    : entity.type === "email" ? `mailto:${part}` : null;
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }
  if (entity.type === "bot_command") {
    const command = element("a", "command");
    command.addEventListener("click", (event) => {
      const pane = event.target.closest(".pane");
      if (pane) panes.get(Number(pane.dataset.userId))?.send(part);
    });
    return command;
  }
  return element("span", entity.type.replace(/[^a-z_]/g, ""));
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "tg:", "mailto:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

// --- one person's chat ---

class ChatPane {
  constructor(user) {
    this.user = user;
    this.pendingTaps = new Set(); // callback query ids whose answers are still to be shown
    this.transcript = null;
    this.keyboardHidden = false;
    this.root = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
    this.root.dataset.userId = user.id;
    this.part = (selector) => this.root.querySelector(selector);
    this.part(".name").textContent = fullName(user);
    this.part(".label").textContent = user.label || `id ${user.id}`;
    this.part(".close").addEventListener("click", () => closeChat(user.id));
    this.part(".back").addEventListener("click", () => document.body.classList.remove("chatting"));
    this.part(".start").addEventListener("click", () => this.send("/start"));
    this.part(".menu").addEventListener("click", () => { this.part(".commands").hidden = !this.part(".commands").hidden; });
    this.part(".keyboard-toggle").addEventListener("click", () => {
      this.keyboardHidden = !this.keyboardHidden;
      this.renderKeyboard();
    });
    this.part(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = this.part(".composer input");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      this.send(text, this.forceReply()?.message_id);
    });
    this.events = new EventSource(`/webchat/chats/${user.id}/events`);
    this.events.addEventListener("transcript", (event) => this.render(JSON.parse(event.data)));
  }

  close() {
    this.events.close();
    this.root.remove();
  }

  async send(text, replyTo) {
    this.part(".commands").hidden = true;
    const body = { user_id: this.user.id, text };
    if (replyTo) body.reply_to_message_id = replyTo;
    try {
      await control("POST", "/messages", body);
    } catch (error) {
      this.toast(error.message);
    }
  }

  async tap(message, button, key) {
    key.classList.add("waiting");
    try {
      const tapped = await control("POST", "/callbacks",
        { user_id: this.user.id, chat_id: this.user.id, message_id: message.message_id, data: button.callback_data });
      this.pendingTaps.add(tapped.callback_query_id);
      if (this.transcript) this.showAnswers(this.transcript);
    } catch (error) {
      key.classList.remove("waiting");
      this.toast(error.message);
    }
  }

  render(transcript) {
    this.transcript = transcript;
    const list = this.part(".messages");
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    const scrolled = list.scrollTop;
    const shown = transcript.messages.filter((message) => !message.deleted);
    const byId = new Map(shown.map((message) => [message.message_id, message]));
    list.replaceChildren(...shown.map((message) => this.renderMessage(message, byId)));
    // A new message scrolls to the end, as in Telegram; an edit leaves the reader where they were.
    const newest = shown.length ? shown[shown.length - 1].message_id : 0;
    list.scrollTop = atBottom || newest !== this.newest ? list.scrollHeight : scrolled;
    this.newest = newest;
    this.part(".start").hidden = transcript.messages.length > 0;
    const commands = transcript.commands || [];
    this.part(".menu").hidden = commands.length === 0;
    this.part(".commands").replaceChildren(...commands.map((command) => {
      const item = element("button", "", `/${command.command}`);
      item.type = "button";
      item.append(element("span", "description", command.description));
      item.addEventListener("click", () => this.send(`/${command.command}`));
      return item;
    }));
    this.renderKeyboard();
    this.showAnswers(transcript);
  }

  renderMessage(message, byId) {
    const item = element("li", `msg from-${message.from}`);
    item.dataset.messageId = message.message_id;
    const bubble = item.appendChild(element("div", "bubble"));
    const repliedTo = byId.get(message.reply_to_message_id);
    if (repliedTo) bubble.append(element("div", "quote", repliedTo.text || repliedTo.caption || ""));
    if (message.photo) {
      const photo = bubble.appendChild(element("img", "photo"));
      photo.src = message.photo.url;
      photo.alt = message.caption || "photo";
    }
    if (message.document) {
      const file = bubble.appendChild(element("a", "document", `📄 ${message.document.file_name || "file"}`));
      file.href = message.document.url;
      file.download = message.document.file_name || "file";
    }
    const text = bubble.appendChild(element("div", "text"));
    text.append(message.text !== null
      ? formatted(message.text, message.entities) : formatted(message.caption, message.caption_entities));
    const time = new Date((message.edit_date || message.date) * 1000)
      .toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    bubble.append(element("div", "meta", message.edit_date ? `edited ${time}` : time));
    const rows = message.reply_markup?.inline_keyboard;
    if (rows) item.append(this.inlineKeyboard(message, rows));
    return item;
  }

  inlineKeyboard(message, rows) {
    const keyboard = element("div", "inline-keyboard");
    for (const row of rows) {
      const line = keyboard.appendChild(element("div", "row"));
      for (const button of row) {
        const url = button.url && safeUrl(button.url);
        const key = line.appendChild(element(url ? "a" : "button", "key", button.text));
        if (url) {
          key.href = url;
          key.target = "_blank";
          key.rel = "noopener noreferrer";
        } else if (button.callback_data !== undefined) {
          key.type = "button";
          key.addEventListener("click", () => this.tap(message, button, key));
        } else {
          key.disabled = true;
          key.title = "The sandbox's web chat does not do this kind of button";
        }
      }
    }
    return keyboard;
  }

  // The newest bot message asking for a forced reply, while the person has not answered it yet.
  forceReply() {
    const messages = (this.transcript?.messages || []).filter((message) => !message.deleted);
    const last = messages.findLast((message) => message.reply_markup?.force_reply);
    if (!last) return null;
    const answered = messages.some((message) => message.from === "user" && message.message_id > last.message_id);
    return answered ? null : last;
  }

  renderKeyboard() {
    const markup = this.transcript?.reply_keyboard;
    const rows = markup?.keyboard || null;
    const forced = this.forceReply();
    const area = this.part(".reply-keyboard");
    const toggle = this.part(".keyboard-toggle");
    toggle.hidden = !rows;
    area.hidden = !rows || this.keyboardHidden || Boolean(forced);
    area.replaceChildren(...(rows || []).map((row) => {
      const line = element("div", "row");
      for (const button of row) {
        const label = typeof button === "string" ? button : button.text;
        const key = line.appendChild(element("button", "key", label));
        key.type = "button";
        key.addEventListener("click", () => this.send(label));
      }
      return line;
    }));
    const input = this.part(".composer input");
    const placeholder = forced ? forced.reply_markup.input_field_placeholder : rows && markup.input_field_placeholder;
    input.placeholder = placeholder || (forced ? "Reply" : "Message");
    if (forced && this.forcedShown !== forced.message_id) {
      this.forcedShown = forced.message_id;
      if (this.root.offsetParent !== null) input.focus();
    }
  }

  showAnswers(transcript) {
    for (const query of transcript.callbacks) {
      if (!query.answered || !this.pendingTaps.has(query.callback_query_id)) continue;
      this.pendingTaps.delete(query.callback_query_id);
      this.root.querySelectorAll(".key.waiting").forEach((key) => key.classList.remove("waiting"));
      if (!query.text) continue;
      if (query.show_alert) this.alert(query.text);
      else this.toast(query.text);
    }
  }

  toast(text) {
    const toast = this.part(".toasts").appendChild(element("div", "toast", text));
    toast.setAttribute("role", "status");
    setTimeout(() => toast.remove(), 3000);
  }

  alert(text) {
    const dialog = this.part("dialog.alert");
    dialog.querySelector("p").textContent = text;
    if (!dialog.open) dialog.showModal();
  }
}

// --- people and the chats open beside each other ---

function fullName(user) {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

async function loadPeople() {
  const answer = await control("GET", "/users");
  people = answer.users.filter((user) => !user.is_bot && user.id > 0).sort((a, b) => a.id - b.id);
  const list = document.getElementById("people-list");
  list.replaceChildren(...people.map((user) => {
    const button = element("button", panes.has(user.id) ? "open" : "", fullName(user));
    button.type = "button";
    button.dataset.userId = user.id;
    button.append(element("span", "label", `${user.label ? `${user.label} · ` : ""}id ${user.id}`));
    button.addEventListener("click", () => openChat(user.id));
    const item = element("li");
    item.append(button);
    return item;
  }));
}

function openChat(userId) {
  const user = people.find((person) => person.id === userId);
  if (!user) return;
  if (!panes.has(userId)) {
    if (panes.size >= MAX_PANES) closeChat(panes.keys().next().value, { keepActive: true });
    const pane = new ChatPane(user);
    panes.set(userId, pane);
    document.getElementById("chats").append(pane.root);
  }
  activate(userId);
}

function activate(userId) {
  for (const [id, pane] of panes) pane.root.classList.toggle("active", id === userId);
  document.body.classList.add("chatting");
  afterChange();
}

function closeChat(userId, { keepActive = false } = {}) {
  const pane = panes.get(userId);
  if (!pane) return;
  const wasActive = pane.root.classList.contains("active");
  pane.close();
  panes.delete(userId);
  if (wasActive && !keepActive) {
    const next = [...panes.keys()].pop();
    if (next !== undefined) activate(next);
    else document.body.classList.remove("chatting");
  }
  afterChange();
}

function afterChange() {
  document.getElementById("no-chats").hidden = panes.size > 0;
  document.querySelectorAll("#people-list button").forEach((button) => {
    button.classList.toggle("open", panes.has(Number(button.dataset.userId)));
  });
  const active = [...panes.values()].find((pane) => pane.root.classList.contains("active"));
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ open: [...panes.keys()], active: active?.user.id }));
}

// A stranger opens the bot: /start, with the invite's payload when given (t.me/<bot>?start=<payload>).
async function addPerson(form) {
  const error = document.getElementById("add-person-error");
  error.textContent = "";
  const [first, ...rest] = form.name.value.trim().split(/\s+/);
  const invite = form.invite.value.trim();
  const payload = invite.match(/[?&]start=([\w-]+)/)?.[1] || (/^[\w-]+$/.test(invite) ? invite : "");
  if (invite && !payload) {
    error.textContent = "An invite link looks like https://t.me/<bot>?start=<code>";
    return;
  }
  const userId = Math.max(5000, ...people.map((user) => user.id)) + 1;
  try {
    await control("POST", "/messages", {
      user_id: userId, first_name: first, last_name: rest.join(" ") || undefined,
      language_code: form.language.value, text: payload ? `/start ${payload}` : "/start",
    });
  } catch (failure) {
    error.textContent = failure.message;
    return;
  }
  form.reset();
  document.getElementById("add-person").open = false;
  await loadPeople();
  openChat(userId);
}

async function main() {
  try {
    bot = (await control("GET", "/bot")).bot;
    document.getElementById("bot-name").textContent = `@${bot.username}`;
  } catch {
    // no bot yet: the page still works once one speaks
  }
  await loadPeople();
  const form = document.getElementById("add-person-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    addPerson(form);
  });
  const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
  for (const userId of saved.open || []) openChat(userId);
  if (saved.active !== undefined && panes.has(saved.active)) activate(saved.active);
  else if (!panes.size) document.body.classList.remove("chatting");
  window.addEventListener("focus", loadPeople);
}

main();
