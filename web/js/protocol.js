// Protocol helpers shared by the lobby and the views (shared protocol.md v1 and v1.1): room ids, room
// kinds and their capacities, natural sort, parsing of `rooms` and `joined`, `join` messages, chat scopes
// and error texts. Pure logic: no DOM, no sockets.

/** Room id rule (protocol.md `join.room`): 1–32 chars of `[A-Za-z0-9_-]`. */
export const ROOM_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** The same rule as an HTML `pattern` attribute. */
export const ROOM_ID_PATTERN = '[A-Za-z0-9_\\-]{1,32}';
/** The rule in words, shown next to the room field. */
export const ROOM_ID_RULE = '1–32 characters: letters, digits, “_” or “-” (no spaces).';

/**
 * Why a room id is not valid, in words, or '' when it is.
 * @param {string} id
 */
export function roomIdProblem(id) {
  const s = String(id ?? '');
  if (s.length === 0) return 'Enter a room name: 1–32 letters, digits, “_” or “-”.';
  if (s.length > 32) return `Room names are at most 32 characters (this one has ${s.length}).`;
  const bad = [...new Set(s.replace(/[A-Za-z0-9_-]/g, ''))];
  if (bad.length > 0) {
    const shown = bad.slice(0, 5).map((c) => (c === ' ' ? 'space' : `“${c}”`)).join(', ');
    return `Room names may only use letters, digits, “_” and “-”; not ${shown}.`;
  }
  return '';
}

/**
 * Room kinds (protocol.md v1.1) and what the lobby may choose for each.
 * `min`/`max`/`default`: the capacity range for `join.max`; a kind with min === max has a fixed capacity
 * and its `join` carries no `max`. `ticks`: the room sends `map` and `joined` has `tick`/`world`.
 */
export const KINDS = Object.freeze({
  arena: Object.freeze({ label: 'Arena', min: 8, max: 8, default: 8, ticks: true, blurb: 'Real-time brawl: move, attack everyone within reach.' }),
  pong: Object.freeze({ label: 'Pong', min: 2, max: 2, default: 2, ticks: true, blurb: 'Two players, server-run ball, first to 11.' }),
  board: Object.freeze({ label: 'Board', min: 2, max: 32, default: 16, ticks: false, blurb: 'A shared whiteboard: draw together.' }),
  relay: Object.freeze({ label: 'Relay', min: 2, max: 16, default: 2, ticks: false, blurb: 'Peer-to-peer video call and chat (WebRTC).' }),
});

/** Kinds in the order the lobby lists them. */
export const KIND_NAMES = Object.freeze(['arena', 'relay', 'pong', 'board']);

/** @param {string} kind */
export function kindInfo(kind) {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind] : null;
}

/** Whether the creator of a room of this kind chooses its capacity. */
export function maxAdjustable(kind) {
  const k = kindInfo(kind);
  return k !== null && k.min < k.max;
}

/**
 * A capacity inside the kind's range: integers are clamped, anything else gives the default.
 * @param {string} kind
 * @param {unknown} value
 * @returns {number | null} null for an unknown kind
 */
export function clampMax(kind, value) {
  const k = kindInfo(kind);
  if (!k) return null;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return k.default;
  return Math.max(k.min, Math.min(k.max, Math.round(n)));
}

/**
 * The `join` message. `max` is sent only for kinds whose capacity the creator chooses (relay, board);
 * `password` only when not empty. An unknown kind is sent as is (the server answers `bad_request`).
 * @param {{room: string, kind?: string, max?: unknown, password?: string}} options
 */
export function buildJoin({ room, kind = 'arena', max, password }) {
  const msg = { type: 'join', room, kind };
  if (maxAdjustable(kind)) msg.max = clampMax(kind, max);
  if (password) msg.password = password;
  return msg;
}

// ---------------------------------------------------------------- natural sort

const CHUNK = /(\d+|\D+)/g;

/**
 * Natural order: digit runs compare as numbers (`r2` < `r10`), other runs case-insensitively, ties by
 * code units so the order is total.
 * @param {string} a
 * @param {string} b
 */
export function naturalCompare(a, b) {
  const sa = String(a);
  const sb = String(b);
  const ca = sa.match(CHUNK) ?? [];
  const cb = sb.match(CHUNK) ?? [];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const y = cb[i];
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      const tx = x.replace(/^0+(?=\d)/, '');
      const ty = y.replace(/^0+(?=\d)/, '');
      if (tx.length !== ty.length) return tx.length - ty.length;
      if (tx !== ty) return tx < ty ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length; // "r01" after "r1"
    } else if (dx !== dy) {
      return dx ? -1 : 1; // digits before letters
    } else {
      const lx = x.toLowerCase();
      const ly = y.toLowerCase();
      if (lx !== ly) return lx < ly ? -1 : 1;
    }
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

// ---------------------------------------------------------------- server messages

const int = (v, fallback) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : fallback);

/**
 * The entries of a `rooms` message, cleaned and in natural order of id.
 * @param {any} msg
 * @returns {{id: string, kind: string, players: number, max: number | null, locked: boolean}[]}
 */
export function parseRooms(msg) {
  const list = Array.isArray(msg?.rooms) ? msg.rooms : [];
  const out = [];
  for (const r of list) {
    if (!r || typeof r.id !== 'string' || r.id.length === 0) continue;
    out.push({
      id: r.id,
      kind: typeof r.kind === 'string' && r.kind ? r.kind : 'arena',
      players: Math.max(0, int(r.players, 0)),
      max: int(r.max, null),
      locked: r.locked === true,
    });
  }
  return out.sort((a, b) => naturalCompare(a.id, b.id));
}

/**
 * A room's capacity: `max` when the server sent one, else the kind's fixed capacity, else null.
 * @param {string} kind
 * @param {unknown} max
 */
export function capacityOf(kind, max) {
  const n = int(max, null);
  if (n !== null && n > 0) return n;
  const k = kindInfo(kind);
  return k && k.min === k.max ? k.max : null;
}

/**
 * A `joined` message, cleaned: v1 fields plus v1.1 `max`, `waiting` and (board) `strokes`.
 * `players` keeps the server's order (the order players were seated in).
 * @param {any} msg
 */
export function parseJoined(msg) {
  const kind = typeof msg?.kind === 'string' && msg.kind ? msg.kind : 'arena';
  const players = [];
  for (const [id, p] of Object.entries(msg?.players ?? {})) {
    players.push({ id, name: typeof p?.name === 'string' && p.name ? p.name : id, color: Array.isArray(p?.color) ? p.color : null });
  }
  const tick = typeof msg?.tick === 'number' && msg.tick > 0 ? msg.tick : null;
  const world = Array.isArray(msg?.world) && msg.world.length >= 2 && msg.world.every((v) => typeof v === 'number' && v > 0)
    ? [msg.world[0], msg.world[1]]
    : null;
  return {
    room: String(msg?.room ?? ''),
    kind,
    you: msg?.you == null ? null : String(msg.you),
    host: msg?.host == null ? null : String(msg.host),
    max: capacityOf(kind, msg?.max),
    tick,
    world,
    players,
    strokes: Array.isArray(msg?.strokes) ? msg.strokes : [],
    waiting: typeof msg?.waiting === 'boolean' ? msg.waiting : null,
  };
}

/**
 * Whether a relay room is waiting for players: the server's `waiting` when it sent one, else fewer than
 * `max` players.
 * @param {boolean | null | undefined} waiting
 * @param {number} players
 * @param {number | null} max
 */
export function isWaiting(waiting, players, max) {
  if (typeof waiting === 'boolean') return waiting;
  return max !== null && players < max;
}

/**
 * Which scope a `chat` message has: a room line, a whisper received, or the echo of a whisper sent.
 * @param {any} msg
 * @param {string | null} me the local player id
 * @returns {{scope: 'room' | 'whisper-in' | 'whisper-out', peer: string | null}}
 */
export function chatScope(msg, me) {
  if (msg?.to == null) return { scope: 'room', peer: null };
  const to = String(msg.to);
  const from = msg.from == null ? null : String(msg.from);
  if (from === me && to !== me) return { scope: 'whisper-out', peer: to };
  return { scope: 'whisper-in', peer: from };
}

/**
 * The `chat` message for a line: to the room, or to one player.
 * @param {string} text
 * @param {string | null} [to]
 */
export function buildChat(text, to = null) {
  const msg = { type: 'chat', text: String(text).trim().slice(0, 200) };
  if (to) msg.to = to;
  return msg;
}

/** Human text for the protocol's error codes (v1 and v1.1). */
export const ERROR_TEXT = Object.freeze({
  bad_request: 'The server rejected that request.',
  unknown_type: 'The server did not understand a message.',
  not_in_room: 'You are not in a room.',
  room_full: 'That room is full.',
  wrong_password: 'Wrong password for that room.',
  rate_limited: 'Slow down — you are sending too fast.',
  too_large: 'Message too large.',
  unavailable: 'The room is unavailable right now. Try again in a moment.',
  unknown_player: 'That player is not online.',
  not_host: 'Only the room’s host can do that.',
  wrong_kind: 'That does not work in this kind of room.',
});

/**
 * The text for an `error` answering a `join` (shown once, next to the join form).
 * @param {string} code
 * @param {{room: string, kind: string, password?: string}} join what was asked for
 * @param {{id: string, kind: string}[]} rooms the last room list
 * @param {string} [serverMessage]
 */
export function joinErrorText(code, join, rooms = [], serverMessage = '') {
  const listed = rooms.find((r) => r.id === join.room);
  switch (code) {
    case 'wrong_password':
      return join.password ? `Wrong password for “${join.room}”.` : `“${join.room}” is locked: a password is needed.`;
    case 'room_full':
      return `“${join.room}” is full.`;
    case 'wrong_kind':
      return listed && listed.kind !== join.kind
        ? `“${join.room}” is a ${listed.kind} room, not ${join.kind}: pick ${listed.kind} to join it.`
        : `“${join.room}” exists as another kind of room than ${join.kind}.`;
    case 'rate_limited':
      return 'Too many attempts: wait a minute before trying again.';
    case 'bad_request':
    case 'unavailable':
      return serverMessage || ERROR_TEXT[code];
    default:
      return ERROR_TEXT[code] ?? (serverMessage || 'Something went wrong.');
  }
}
