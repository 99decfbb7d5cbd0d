// DOM side of the client: screens, room list, players list, chat (room lines, whispers, system lines), HUD,
// announcements, toasts. Every text from the network goes through textContent (never innerHTML).
import { cssColor } from './room.js';
import { ERROR_TEXT, kindInfo } from './protocol.js';

export { ERROR_TEXT };

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

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
  const label = document.createElement('span');
  label.className = 'whoami-label';
  label.textContent = 'Signed in as ';
  const b = document.createElement('b');
  b.textContent = name;
  el.append(label, b);
  el.title = id ? `Signed in as ${name} (player id ${id})` : `Signed in as ${name}`;
}

const LOCK_SVG = '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 1 1 6 0v3H9z"/></svg>';

/**
 * Renders the `rooms` list (already in natural order of id, see protocol.js `parseRooms`).
 * @param {{id: string, kind: string, players: number, max: number | null, locked: boolean}[]} rooms
 * @param {(room: any) => void} onPick called when a room is clicked
 */
export function renderRooms(rooms, onPick) {
  const list = $('rooms');
  const rows = [];
  for (const r of rooms) {
    const li = document.createElement('li');
    li.dataset.room = r.id;
    li.dataset.kind = r.kind;
    if (r.locked) li.dataset.locked = 'true';
    const full = r.max != null && r.max > 0 && r.players >= r.max;
    if (full) li.classList.add('full');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.title = `Join ${r.id}: ${r.kind} room, ${r.players} of ${r.max ?? '?'} players${r.locked ? ', password required' : ''}${full ? ' (full)' : ''}`;
    const lock = document.createElement('span');
    lock.className = r.locked ? 'lock' : 'lock open';
    lock.innerHTML = LOCK_SVG; // static markup, no server data
    if (r.locked) lock.setAttribute('aria-label', 'password required');
    else lock.setAttribute('aria-hidden', 'true');
    const id = document.createElement('span');
    id.className = 'room-id';
    id.textContent = r.id;
    const kind = document.createElement('span');
    kind.className = 'kind-badge';
    kind.dataset.kind = r.kind;
    kind.textContent = kindInfo(r.kind)?.label ?? r.kind;
    const count = document.createElement('span');
    count.className = 'room-count';
    const b = document.createElement('b');
    b.textContent = String(r.players ?? 0);
    count.append(b, ` / ${r.max ?? '?'}`);
    btn.append(lock, id, kind, count);
    btn.addEventListener('click', () => onPick(r));
    li.append(btn);
    rows.push(li);
  }
  list.replaceChildren(...rows);
  $('rooms-empty').hidden = rooms.length > 0;
}

/**
 * Renders the players panel. Every other player's row is a button that starts a whisper.
 * @param {import('./room.js').RoomState} room
 * @param {{now?: number, whisperTo?: string | null, onWhisper?: (id: string) => void, extra?: (p: any) => string | null}} [options]
 *   extra: a short text shown instead of the hp bar (e.g. a pong score); arena rooms show hp bars
 */
export function renderPlayers(room, { now = 0, whisperTo = null, onWhisper, extra } = {}) {
  const list = $('players');
  const rows = [];
  const arena = room.kind === 'arena';
  const players = [...room.players.values()];
  const sorted = arena ? players.sort((a, b) => (b.kills - a.kills) || a.label.localeCompare(b.label)) : players;
  for (const p of sorted) {
    const li = document.createElement('li');
    li.dataset.player = p.id;
    const me = p.id === room.you;
    if (me) li.classList.add('me');
    if (arena && p.dead) li.classList.add('dead');
    const idle = arena && room.isIdle(p.id, now);
    if (idle) li.classList.add('idle');
    if (p.id === whisperTo) li.classList.add('whisper-target');
    if (!me && onWhisper) {
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      li.title = `Whisper to ${p.label}`;
      li.addEventListener('click', () => onWhisper(p.id));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onWhisper(p.id);
        }
      });
    }
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = cssColor(p.color);
    const name = document.createElement('span');
    name.className = 'pname';
    name.textContent = p.label;
    if (p.id === room.host) name.append(tag(room.kind === 'relay' ? 'Player 1' : 'host', 'host'));
    if (me) name.append(tag('you', ''));
    if (idle) name.append(tag('idle', 'idle'));
    if (arena && p.kills > 0) name.append(tag(`${p.kills} KO`, ''));
    li.append(sw, name);
    if (arena) {
      const bar = document.createElement('span');
      bar.className = 'hpbar';
      bar.title = `${Math.max(0, p.hp)} hp`;
      const fill = document.createElement('i');
      const frac = Math.max(0, Math.min(1, p.hp / 100));
      fill.style.width = `${frac * 100}%`;
      if (frac <= 0.3) fill.className = 'low';
      else if (frac <= 0.6) fill.className = 'mid';
      bar.append(fill);
      li.append(bar);
    } else {
      const x = document.createElement('span');
      x.className = 'pextra';
      x.textContent = extra?.(p) ?? '';
      li.append(x);
    }
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

/**
 * A whisper: received (`in`, from `name`) or sent (`out`, to `name`). Clicking the name replies.
 * @param {{dir: 'in' | 'out', name: string, color?: number[], text: string, time: number, onReply?: () => void}} w
 */
export function addWhisper({ dir, name, color, text, time, onReply }) {
  const li = document.createElement('li');
  li.className = `whisper ${dir}`;
  const t = document.createElement('span');
  t.className = 'time';
  t.textContent = timeLabel(time);
  const tagEl = document.createElement('span');
  tagEl.className = 'whisper-tag';
  tagEl.textContent = dir === 'in' ? 'whisper from' : 'whisper to';
  const who = document.createElement(onReply ? 'button' : 'span');
  who.className = 'from';
  if (onReply) {
    /** @type {HTMLButtonElement} */ (who).type = 'button';
    who.title = `Reply to ${name}`;
    who.addEventListener('click', onReply);
  }
  who.style.color = cssColor(color);
  who.textContent = name;
  li.append(t, tagEl, who, String(text));
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

/** @param {string} title @param {string} text @param {'error'|'info'|'whisper'} [kind] */
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
  setTimeout(() => el.remove(), kind === 'whisper' ? 8000 : kind === 'error' ? 5000 : 3000);
}

const fmtMs = (v, sign = false) => {
  if (!Number.isFinite(v)) return '—';
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${sign && v > 0 ? '+' : ''}${s} ms`;
};

/** Updates the HUD numbers. `extraLabel`/`extra`: the kind's own cell (HP, Score, Strokes, Peers). */
export function updateHud({ room, kind, ping, offset, tick, players, max, extraLabel, extra, fps }) {
  setText('hud-room', room ?? '—');
  setText('hud-kind', kind ? kindInfo(kind)?.label ?? kind : '');
  $('hud-kind').dataset.kind = kind ?? '';
  setText('hud-ping', fmtMs(ping));
  setText('hud-offset', fmtMs(offset, true));
  $('hud-tick-cell').hidden = tick === null;
  setText('hud-tick', Number.isFinite(tick) && tick > 0 ? String(tick) : '—');
  setText('hud-players', Number.isFinite(players) ? (max ? `${players} / ${max}` : String(players)) : '—');
  setText('hud-extra-label', extraLabel ?? 'HP');
  setText('hud-hp', extra ?? '—');
  setText('hud-fps', Number.isFinite(fps) ? fps.toFixed(0) : '—');
}

let announcementTimer = 0;

/** Shows an announcement in the banner under the top bar for 20 s (or until dismissed). */
export function showAnnouncement(text) {
  const el = $('announcement');
  $('announcement-text').textContent = String(text);
  el.hidden = false;
  el.classList.remove('flash');
  void el.offsetWidth; // restart the animation
  el.classList.add('flash');
  clearTimeout(announcementTimer);
  announcementTimer = setTimeout(() => { el.hidden = true; }, 20000);
}

export function hideAnnouncement() {
  clearTimeout(announcementTimer);
  $('announcement').hidden = true;
}

/** Shows who the chat box whispers to (null: the room). */
export function setWhisperTarget(label) {
  $('whisper-chip').hidden = !label;
  $('whisper-to').textContent = label ? `to ${label}` : '';
  /** @type {HTMLInputElement} */ ($('chat-input')).placeholder = label ? `Whisper to ${label}…` : 'Say something… (Enter)';
}

function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}
