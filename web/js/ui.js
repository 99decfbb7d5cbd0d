// DOM side of the client: screens, room list, players list, chat, HUD, toasts.
// Every text from the network goes through textContent (never innerHTML).
import { cssColor } from './room.js';

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Human text for the protocol's error codes (protocol.md, "Error codes"). */
export const ERROR_TEXT = {
  bad_request: 'The server rejected that request.',
  unknown_type: 'The server did not understand a message.',
  not_in_room: 'You are not in a room.',
  room_full: 'That room is full.',
  wrong_password: 'Wrong password for that room.',
  rate_limited: 'Slow down — you are sending too fast.',
  too_large: 'Message too large.',
  unavailable: 'The room is unavailable right now. Try again in a moment.',
};

const STATE_TEXT = {
  offline: 'offline',
  connecting: 'connecting…',
  open: 'signing in…',
  online: 'online',
  reconnecting: 'reconnecting…',
};

/** @param {'login' | 'lobby' | 'game'} name */
export function showScreen(name) {
  document.body.dataset.screen = name;
  for (const s of ['login', 'lobby', 'game']) $(`screen-${s}`).hidden = s !== name;
}

export function setConnection(state, { delay, attempt } = {}) {
  const pill = $('conn');
  pill.dataset.state = state;
  let text = STATE_TEXT[state] ?? state;
  if (state === 'reconnecting' && delay != null) text = `reconnecting in ${(delay / 1000).toFixed(1)} s (try ${attempt})`;
  $('conn-text').textContent = text;
}

export function setWhoAmI(name, id) {
  const el = $('whoami');
  el.replaceChildren();
  if (!name) return;
  el.append('Signed in as ');
  const b = document.createElement('b');
  b.textContent = name;
  el.append(b);
  if (id) el.title = `player id ${id}`;
}

const LOCK_SVG = '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 1 1 6 0v3H9z"/></svg>';

/**
 * Renders the `rooms` list.
 * @param {{id: string, kind: string, players: number, max: number, locked: boolean}[]} rooms
 * @param {(room: any) => void} onPick called when a room is clicked
 */
export function renderRooms(rooms, onPick) {
  const list = $('rooms');
  list.replaceChildren();
  const sorted = [...rooms].sort((a, b) => (b.players - a.players) || String(a.id).localeCompare(String(b.id)));
  for (const r of sorted) {
    const li = document.createElement('li');
    li.dataset.room = r.id;
    if (r.locked) li.dataset.locked = 'true';
    if (r.max > 0 && r.players >= r.max) li.classList.add('full');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.title = r.locked ? `Join ${r.id} (password required)` : `Join ${r.id}`;
    const lock = document.createElement('span');
    lock.className = r.locked ? 'lock' : 'lock open';
    lock.innerHTML = LOCK_SVG; // static markup, no server data
    if (r.locked) lock.setAttribute('aria-label', 'password required');
    const id = document.createElement('span');
    id.className = 'room-id';
    id.textContent = r.id;
    const kind = document.createElement('span');
    kind.className = 'room-kind';
    kind.textContent = r.kind ?? '';
    const count = document.createElement('span');
    count.className = 'room-count';
    const b = document.createElement('b');
    b.textContent = String(r.players ?? 0);
    count.append(b, ` / ${r.max ?? '?'}`);
    btn.append(lock, id, kind, count);
    btn.addEventListener('click', () => onPick(r));
    li.append(btn);
    list.append(li);
  }
  $('rooms-empty').hidden = rooms.length > 0;
}

/**
 * Renders the players panel.
 * @param {import('./room.js').RoomState} room
 */
export function renderPlayers(room) {
  const list = $('players');
  const rows = [];
  const sorted = [...room.players.values()].sort((a, b) => (b.kills - a.kills) || a.name.localeCompare(b.name));
  for (const p of sorted) {
    const li = document.createElement('li');
    li.dataset.player = p.id;
    if (p.id === room.you) li.classList.add('me');
    if (p.dead) li.classList.add('dead');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = cssColor(p.color);
    const name = document.createElement('span');
    name.className = 'pname';
    name.textContent = p.name;
    if (p.id === room.host) name.append(tag('host', 'host'));
    if (p.id === room.you) name.append(tag('you', ''));
    if (p.kills > 0) name.append(tag(`${p.kills} KO`, ''));
    const bar = document.createElement('span');
    bar.className = 'hpbar';
    bar.title = `${Math.max(0, p.hp)} hp`;
    const fill = document.createElement('i');
    const frac = Math.max(0, Math.min(1, p.hp / 100));
    fill.style.width = `${frac * 100}%`;
    if (frac <= 0.3) fill.className = 'low';
    else if (frac <= 0.6) fill.className = 'mid';
    bar.append(fill);
    li.append(sw, name, bar);
    rows.push(li);
  }
  list.replaceChildren(...rows);
}

function tag(text, cls) {
  const t = document.createElement('span');
  t.className = `tag ${cls}`.trim();
  t.textContent = text;
  return t;
}

function timeLabel(ms) {
  const d = Number.isFinite(ms) ? new Date(ms) : new Date();
  return d.toTimeString().slice(0, 5);
}

const MAX_CHAT_LINES = 200;

function appendChatLine(li) {
  const log = $('chat-log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
  log.append(li);
  while (log.children.length > MAX_CHAT_LINES) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

/** A chat line from a player. */
export function addChat(name, color, text, serverTime) {
  const li = document.createElement('li');
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = timeLabel(serverTime);
  const from = document.createElement('span');
  from.className = 'from';
  from.style.color = cssColor(color);
  from.textContent = name;
  li.append(time, from, String(text));
  appendChatLine(li);
}

/** A system line (joins, leaves, kills, host changes). @param {'join'|'leave'|'kill'|'info'} kind */
export function addSystem(text, kind = 'info') {
  const li = document.createElement('li');
  li.className = `system ${kind}`;
  li.textContent = text;
  appendChatLine(li);
}

export function clearChat() {
  $('chat-log').replaceChildren();
}

/** Shows a message for a few seconds. @param {'error'|'info'} kind */
const recentToasts = new Map();

export function toast(title, text, kind = 'error') {
  const key = `${title}|${text}`;
  const now = Date.now();
  if (now - (recentToasts.get(key) ?? 0) < 2000) return; // e.g. a burst of rate_limited errors
  recentToasts.set(key, now);
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.dataset.kind = kind;
  const b = document.createElement('b');
  b.textContent = title;
  el.append(b, text);
  $('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 5000 : 3000);
}

const fmtMs = (v, sign = false) => {
  if (!Number.isFinite(v)) return '—';
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${sign && v > 0 ? '+' : ''}${s} ms`;
};

/** Updates the HUD numbers. */
export function updateHud({ room, ping, offset, tick, players, max, hp, fps }) {
  setText('hud-room', room ?? '—');
  setText('hud-ping', fmtMs(ping));
  setText('hud-offset', fmtMs(offset, true));
  setText('hud-tick', Number.isFinite(tick) && tick > 0 ? String(tick) : '—');
  setText('hud-players', Number.isFinite(players) ? (max ? `${players} / ${max}` : String(players)) : '—');
  setText('hud-hp', Number.isFinite(hp) ? (hp > 0 ? String(hp) : 'dead') : '—');
  setText('hud-fps', Number.isFinite(fps) ? fps.toFixed(0) : '—');
}

function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}
