// The shell: connection, time sync, the lobby (live room list, kind picker, join), the room's roster, chat
// with whispers, announcements, the HUD, and one view per room kind (js/views/*.js) chosen from `joined.kind`.
import { Connection, defaultSocketUrl, savedSession } from './net.js';
import { TimeSync } from './timesync.js';
import { RoomState } from './room.js';
import { Keyboard } from './input.js';
import { TouchControls } from './touch.js';
import { RoomsFeed } from './lobby.js';
import {
  KINDS, kindInfo, maxAdjustable, clampMax, buildJoin, buildChat, chatScope, parseRooms, parseJoined,
  roomIdProblem, joinErrorText, ERROR_TEXT,
} from './protocol.js';
import { createArenaView } from './views/arena.js';
import { createPongView } from './views/pong.js';
import { createBoardView } from './views/board.js';
import { createRelayView, wireRelayForm, relayTestHook } from './views/relay.js';
import * as ui from './ui.js';

const { $ } = ui;

/** The client clock (protocol.md "client clock"): ms since the Unix epoch, monotonic within the page. */
const clientNow = () => performance.timeOrigin + performance.now();

const RESYNC_EVERY_MS = 15000;
const SEAT_WAIT_MS = 3000;
/** A `join` error is expected this long after sending `join`, ms. */
const JOIN_ANSWER_MS = 10000;

const conn = new Connection(defaultSocketUrl());
const sync = new TimeSync();
const feed = new RoomsFeed();
const keyboard = new Keyboard({ enabled: () => !!(room && view?.wantsKeys) });
const touch = new TouchControls({ stick: $('stick'), knob: $('stick-knob'), attack: $('attack-btn') });

/** @type {RoomState | null} */
let room = null;
/** The view of the room's kind. */
let view = null;
let rooms = [];
/** The last `join` sent: {room, kind, password, at}. */
let lastJoin = null;
let joinPending = false;
let seatTimer = 0;
let playersDirty = true;
/** Whom the chat box whispers to: a player id, or null for the room. */
let whisperTo = null;
/** The last whisper sent ({to, at}), to explain an `unknown_player` answer. */
let lastWhisper = null;
/** Names of players seen in any room (for whispers from players not in this room). */
const knownNames = new Map();
/** Whispers received in the lobby, shown in the chat of the next room. */
const lobbyWhispers = [];
/** Announcements received: {text, time}. */
const announcements = [];
/**
 * Whether the server speaks v1.1 (its `joined` carries `max`). A v1 server ignores `chat.to` and would send a
 * whisper to the whole room, so whispers are offered only to a v1.1 server.
 */
let serverV11 = false;

// ---------------------------------------------------------------- views

const viewContext = {
  $,
  ui,
  conn,
  sync,
  keyboard,
  touch,
  clientNow,
  send: (msg) => conn.send(msg),
  playersChanged: () => { playersDirty = true; },
};

const views = {
  arena: createArenaView(viewContext),
  pong: createPongView(viewContext),
  board: createBoardView(viewContext),
  relay: createRelayView(viewContext),
};
wireRelayForm(viewContext, views.relay);

function viewFor(kind) {
  return Object.hasOwn(views, kind) ? views[kind] : views.arena;
}

// ---------------------------------------------------------------- time sync

const timeRequests = new Map(); // integer t sent → precise local send time
let timeTimeout = 0;

function sendTimeRequest() {
  clearTimeout(timeTimeout);
  if (!sync.wantsMore || !conn.online) return;
  const sentAt = clientNow();
  const t = Math.round(sentAt);
  timeRequests.set(t, sentAt);
  conn.send({ type: 'time', t });
  timeTimeout = setTimeout(() => { timeRequests.delete(t); sendTimeRequest(); }, 2000);
}

function onTimeReply(msg) {
  const sentAt = timeRequests.get(msg.t);
  if (sentAt === undefined) return;
  timeRequests.delete(msg.t);
  sync.addSample(sentAt, clientNow(), Number(msg.server));
  sendTimeRequest();
}

function startTimeSync() {
  timeRequests.clear();
  sync.beginRound();
  sendTimeRequest();
}

setInterval(() => { if (conn.online) startTimeSync(); }, RESYNC_EVERY_MS);

// ---------------------------------------------------------------- connection

conn.addEventListener('state', (e) => {
  ui.setConnection(e.detail.state, e.detail);
  $('logout').hidden = e.detail.state === 'offline';
  if (e.detail.state === 'offline') showLogin();
});

conn.addEventListener('welcome', (e) => {
  const msg = e.detail;
  ui.setWhoAmI(conn.name, msg.id);
  $('login-error').textContent = '';
  feed.reset();
  startTimeSync();
  clearTimeout(seatTimer);
  if (room && msg.resumed) {
    // The server sends `joined` again if it kept the seat; give it a moment.
    ui.addSystem('Reconnected.', 'info');
    seatTimer = setTimeout(() => {
      if (room && !room.rejoined) seatLost('Your seat was not kept after reconnecting.');
    }, SEAT_WAIT_MS);
    room.rejoined = false;
  } else {
    if (room) seatLost('Your session expired while you were away.');
    else showLobby();
  }
});

conn.addEventListener('message', (e) => {
  const msg = e.detail;
  const handler = Object.hasOwn(handlers, msg.type) ? handlers[msg.type] : null;
  if (handler) handler(msg);
  else if (view && room) view.message(msg);
});

function nameFor(id) {
  if (room?.players.has(id)) return room.nameOf(id);
  return knownNames.get(id) ?? `player ${String(id).slice(0, 8)}`;
}

function remember(r) {
  for (const p of r.players.values()) knownNames.set(p.id, p.label);
}

const handlers = {
  time: onTimeReply,

  rooms(msg) {
    rooms = parseRooms(msg);
    const show = feed.received();
    $('rooms-live').hidden = !feed.live;
    if (show || !room) ui.renderRooms(rooms, pickRoom);
    if (!room) describeTypedRoom();
  },

  joined(msg) {
    enterRoom(msg);
  },

  player_joined(msg) {
    if (!room) return;
    const known = room.players.has(msg.id);
    room.addPlayer(msg.id, msg.name, msg.color, performance.now());
    if (typeof msg.waiting === 'boolean') room.waiting = msg.waiting;
    remember(room);
    if (!known) ui.addSystem(`${room.nameOf(msg.id)} joined.`, 'join');
    view?.roster?.();
    playersDirty = true;
  },

  player_away(msg) {
    // A seated player's connection dropped (seat kept for the 30 s resume grace) or came back (server extension).
    if (!room) return;
    const p = room.players.get(msg.id);
    if (!p || p.away === Boolean(msg.away)) return;
    p.away = Boolean(msg.away);
    ui.addSystem(`${room.nameOf(msg.id)} ${p.away ? 'lost the connection; their seat is kept for 30 s' : 'is back'}.`, 'leave');
    view?.roster?.();
    playersDirty = true;
  },

  player_left(msg) {
    if (!room) return;
    if (msg.id === room.you) {
      leaveRoomLocally();
      return;
    }
    const name = room.nameOf(msg.id);
    room.removePlayer(msg.id);
    remember(room);
    if (typeof msg.waiting === 'boolean') room.waiting = msg.waiting;
    ui.addSystem(`${name} left.`, 'leave');
    view?.roster?.();
    playersDirty = true;
  },

  host_changed(msg) {
    if (!room) return;
    room.host = msg.id;
    ui.addSystem(msg.id === room.you ? 'You are now the host.' : `${room.nameOf(msg.id)} is now the host.`, 'info');
    view?.roster?.();
    playersDirty = true;
  },

  chat(msg) {
    const { scope, peer } = chatScope(msg, conn.playerId);
    const time = Number(msg.time);
    if (scope === 'room') {
      if (!room) return;
      const p = room.players.get(msg.from);
      ui.addChat(p?.label ?? nameFor(msg.from), p?.color, msg.text, time);
      return;
    }
    serverV11 = true;
    const name = nameFor(peer);
    const color = room?.players.get(peer)?.color;
    const w = { dir: scope === 'whisper-in' ? 'in' : 'out', name, color, text: String(msg.text), time, peer };
    if (room) ui.addWhisper({ ...w, onReply: () => setWhisperTarget(peer) });
    else if (w.dir === 'in') {
      lobbyWhispers.push(w);
      if (lobbyWhispers.length > 20) lobbyWhispers.shift();
      ui.toast(`whisper from ${name}`, w.text, 'whisper');
    }
  },

  announcement(msg) {
    serverV11 = true;
    const text = typeof msg.text === 'string' ? msg.text : '';
    if (!text) return;
    announcements.push({ text, time: Number(msg.time) });
    if (announcements.length > 50) announcements.shift();
    ui.showAnnouncement(text);
    if (room) ui.addSystem(`Announcement: ${text}`, 'info');
  },

  error(msg) {
    const code = String(msg.code ?? 'error');
    const serverText = typeof msg.message === 'string' ? msg.message : '';
    const text = ERROR_TEXT[code] ?? (serverText || 'Something went wrong.');
    if (!conn.online) {
      $('login-error').textContent = serverText || text;
      return;
    }
    if (!room && lastJoin && performance.now() - lastJoin.at < JOIN_ANSWER_MS) {
      // The answer to our `join`: said once, next to the form.
      setJoinPending(false);
      lastJoin.at = -Infinity;
      $('lobby-error').textContent = joinErrorText(code, lastJoin, rooms, serverText);
      if (code === 'wrong_password') {
        /** @type {HTMLInputElement} */ ($('password')).select();
        $('password').focus();
      }
      watchRooms();
      return;
    }
    if (code === 'unknown_player' && lastWhisper && performance.now() - lastWhisper.at < 3000) {
      ui.toast('not delivered', `${nameFor(lastWhisper.to)} is not online any more.`, 'info');
      lastWhisper = null;
      return;
    }
    if (view?.error?.(code)) return;
    ui.toast(code.replace(/_/g, ' '), code === 'bad_request' && serverText ? serverText : text);
  },
};

// ---------------------------------------------------------------- screens

function showLogin() {
  if (view) view.leave();
  view = null;
  room = null;
  setWhisperTarget(null);
  ui.setWhoAmI('');
  ui.showScreen('login');
  $('name').focus();
}

function watchRooms() {
  if (conn.online && !room) conn.send(feed.start(performance.now()));
}

function showLobby() {
  ui.showScreen('lobby');
  setJoinPending(false);
  watchRooms();
  updateKindPicker();
}

function enterRoom(msg) {
  clearTimeout(seatTimer);
  setJoinPending(false);
  const stop = feed.stop();
  if (stop) conn.send(stop);
  const joined = parseJoined(msg);
  if (typeof msg.max === 'number') serverV11 = true;
  const now = performance.now();
  const sameRoom = room && room.id === joined.room;
  if (view) view.leave();
  room = new RoomState(msg, now);
  room.rejoined = true;
  if (room.max === null) room.max = rooms.find((r) => r.id === room.id)?.max ?? null;
  remember(room);
  view = viewFor(joined.kind);
  $('screen-game').dataset.kind = view.kind;
  $('game').hidden = view.kind !== 'arena' && view.kind !== 'pong';
  if (!sameRoom) {
    ui.clearChat();
    setWhisperTarget(null);
  }
  ui.addSystem(sameRoom ? `Back in ${room.id}.` : `You joined ${room.id}${room.host === room.you ? ' as host' : ''}.`, 'join');
  if (!sameRoom) {
    for (const w of lobbyWhispers.splice(0)) ui.addWhisper({ ...w, onReply: () => setWhisperTarget(w.peer) });
  }
  $('lobby-error').textContent = '';
  passwordInput.value = ''; // kept in lastJoin for a lost seat; a room made next is not locked by accident
  ui.showScreen('game');
  view.enter(room, joined);
  playersDirty = true;
}

function leaveRoomLocally() {
  if (view) view.leave();
  view = null;
  room = null;
  setWhisperTarget(null);
  keyboard.reset();
  showLobby();
}

function seatLost(text) {
  const lost = room;
  leaveRoomLocally();
  if (lost) {
    $('room').value = lost.id;
    selectKind(lost.kind);
    if (lastJoin?.room === lost.id) $('password').value = lastJoin.password ?? '';
  }
  ui.toast('seat lost', `${text} Join again to continue.`, 'info');
}

// ---------------------------------------------------------------- lobby: join form

const roomInput = /** @type {HTMLInputElement} */ ($('room'));
const maxInput = /** @type {HTMLInputElement} */ ($('max'));
const passwordInput = /** @type {HTMLInputElement} */ ($('password'));

function selectedKind() {
  const checked = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="kind"]:checked'));
  return checked?.value ?? 'arena';
}

function selectKind(kind) {
  const radio = /** @type {HTMLInputElement | null} */ (document.querySelector(`input[name="kind"][value="${kindInfo(kind) ? kind : 'arena'}"]`));
  if (radio && !radio.checked) radio.checked = true;
  updateKindPicker();
}

/** Shows the capacity input for kinds that have one (relay 2–16, board 2–32), the fixed size otherwise. */
function updateKindPicker() {
  const kind = selectedKind();
  const k = kindInfo(kind) ?? KINDS.arena;
  const adjustable = maxAdjustable(kind);
  $('kind-blurb').textContent = k.blurb;
  $('max-field').hidden = !adjustable;
  $('max-fixed').hidden = adjustable;
  $('max-fixed').textContent = `${k.label} rooms hold ${k.max} players.`;
  if (adjustable) {
    const prevKind = maxInput.dataset.kind;
    maxInput.min = String(k.min);
    maxInput.max = String(k.max);
    if (prevKind !== kind) maxInput.value = String(k.default);
    maxInput.dataset.kind = kind;
    $('max-range').textContent = `(${k.min}–${k.max}, default ${k.default})`;
  }
}

/** When the typed room exists, say so and pick its kind (an existing room keeps its kind). */
function describeTypedRoom() {
  const id = roomInput.value.trim();
  const listed = rooms.find((r) => r.id === id);
  const rule = $('room-rule');
  const problem = id ? roomIdProblem(id) : '';
  roomInput.setCustomValidity(problem);
  if (problem) {
    rule.textContent = problem;
    rule.classList.add('bad');
    return;
  }
  rule.classList.remove('bad');
  if (listed) {
    rule.textContent = `“${listed.id}” exists: ${kindInfo(listed.kind)?.label ?? listed.kind}, ${listed.players} / ${listed.max ?? '?'} players${listed.locked ? ', locked' : ''}.`;
    if (selectedKind() !== listed.kind && kindInfo(listed.kind)) selectKind(listed.kind);
  } else {
    rule.textContent = '1–32 characters: letters, digits, “_” or “-” (no spaces).';
  }
}

function pickRoom(r) {
  roomInput.value = r.id;
  if (kindInfo(r.kind)) selectKind(r.kind);
  describeTypedRoom();
  if (r.locked) {
    passwordInput.focus();
    $('lobby-error').textContent = `“${r.id}” is locked: enter its password.`;
  } else {
    passwordInput.value = '';
    requestJoin();
  }
}

function setJoinPending(pending) {
  joinPending = pending;
  $('join').disabled = pending;
  $('join').textContent = pending ? 'Joining…' : 'Join';
}

function requestJoin() {
  const id = roomInput.value.trim();
  const password = passwordInput.value;
  const problem = roomIdProblem(id);
  roomInput.setCustomValidity(problem);
  if (problem) {
    $('lobby-error').textContent = problem;
    roomInput.focus();
    return;
  }
  if (joinPending) return;
  const listed = rooms.find((r) => r.id === id);
  const kind = listed && kindInfo(listed.kind) ? listed.kind : selectedKind();
  if (listed?.locked && !password) {
    $('lobby-error').textContent = `“${id}” is locked: a password is needed.`;
    passwordInput.focus();
    return;
  }
  $('lobby-error').textContent = '';
  if (maxAdjustable(kind)) maxInput.value = String(clampMax(kind, maxInput.value));
  const msg = buildJoin({ room: id, kind, max: maxInput.value, password });
  lastJoin = { room: id, kind, password, at: performance.now() };
  const stop = feed.stop();
  if (stop) conn.send(stop);
  if (conn.send(msg)) {
    setJoinPending(true);
    setTimeout(() => { if (joinPending) setJoinPending(false); }, 5000);
  } else {
    $('lobby-error').textContent = 'Not connected.';
  }
}

for (const radio of document.querySelectorAll('input[name="kind"]')) radio.addEventListener('change', updateKindPicker);
maxInput.addEventListener('change', () => {
  const kind = selectedKind();
  if (maxAdjustable(kind)) maxInput.value = String(clampMax(kind, maxInput.value));
});
roomInput.addEventListener('input', () => {
  describeTypedRoom();
  if ($('lobby-error').textContent) $('lobby-error').textContent = '';
});
passwordInput.addEventListener('input', () => {
  if ($('lobby-error').textContent.includes('password')) $('lobby-error').textContent = '';
});

// ---------------------------------------------------------------- whispers

function setWhisperTarget(id) {
  if (id && !serverV11) {
    ui.toast('no whispers', 'This server does not deliver whispers (protocol v1.1): the message would go to the whole room.', 'info');
    id = null;
  }
  whisperTo = id && id !== conn.playerId ? id : null;
  ui.setWhisperTarget(whisperTo ? nameFor(whisperTo) : null);
  playersDirty = true;
  if (whisperTo && room) $('chat-input').focus();
}

$('whisper-clear').addEventListener('click', () => {
  setWhisperTarget(null);
  $('chat-input').focus();
});

// ---------------------------------------------------------------- drawing and HUD

let lastFrame = performance.now();
let fps = 60;
let lastHud = 0;

function frame() {
  const t = performance.now();
  const dt = t - lastFrame;
  lastFrame = t;
  if (dt > 0) fps = fps * 0.95 + (1000 / dt) * 0.05;

  if (room && view) {
    view.frame(t, dt);
    if (t - lastHud > 200) {
      lastHud = t;
      const h = view.hud();
      ui.updateHud({
        room: room.id,
        kind: room.kind,
        ping: sync.ping,
        offset: sync.synced ? sync.offset : NaN,
        tick: h.tick,
        players: room.players.size,
        max: room.max ?? rooms.find((r) => r.id === room.id)?.max,
        extraLabel: h.extraLabel,
        extra: h.extra,
        fps,
      });
      if (playersDirty) {
        playersDirty = false;
        ui.renderPlayers(room, {
          now: t,
          whisperTo,
          onWhisper: (id) => setWhisperTarget(whisperTo === id ? null : id),
          extra: room.kind === 'pong' ? (p) => String(views.pong.debug.scores[p.id] ?? 0) : null,
        });
      }
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// ---------------------------------------------------------------- DOM events

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = /** @type {HTMLInputElement} */ ($('name')).value.trim();
  if (name.length < 1 || name.length > 24) {
    $('login-error').textContent = 'Names are 1–24 characters.';
    return;
  }
  $('login-error').textContent = '';
  conn.connect(name);
});

$('join-form').addEventListener('submit', (e) => {
  e.preventDefault();
  requestJoin();
});

$('refresh').addEventListener('click', watchRooms);

setInterval(() => {
  if (!conn.online || room || document.body.dataset.screen !== 'lobby' || document.hidden) return;
  const msg = feed.poll(performance.now());
  if (msg) conn.send(msg);
}, 1000);

$('leave').addEventListener('click', () => {
  conn.send({ type: 'leave' });
  leaveRoomLocally();
});

$('logout').addEventListener('click', () => {
  // Leave at once: the seat is not kept for 30 s after signing out.
  if (room) conn.send({ type: 'leave' });
  if (view) view.leave();
  view = null;
  room = null;
  conn.disconnect();
});

$('announcement-close').addEventListener('click', () => ui.hideAnnouncement());

$('chat-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('chat-input'));
  const text = input.value.trim().slice(0, 200);
  if (text && conn.send(buildChat(text, whisperTo))) {
    input.value = '';
    if (whisperTo) lastWhisper = { to: whisperTo, at: performance.now() };
  }
  input.blur();
  if (view?.wantsKeys) $('game').focus();
});

$('chat-input').addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    if (whisperTo) {
      setWhisperTarget(null);
      return;
    }
    /** @type {HTMLInputElement} */ (e.target).blur();
    if (view?.wantsKeys) $('game').focus();
  }
});

window.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  if (room && !typing && e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) {
    e.preventDefault();
    $('chat-input').focus();
  }
});

// ---------------------------------------------------------------- debug state for tests (read-only)

const kindDebug = (key) => (view?.debug && key in view.debug ? view.debug[key] : null);

const debug = Object.freeze({
  get connected() { return conn.online; },
  get state() { return conn.state; },
  get playerId() { return conn.playerId; },
  get name() { return conn.name; },
  get room() { return room?.id ?? null; },
  get kind() { return room?.kind ?? null; },
  get max() { return room?.max ?? null; },
  get waiting() { return room ? room.waiting : null; },
  get host() { return room?.host ?? null; },
  get lastTick() { return room?.lastTick ?? 0; },
  get me() { return kindDebug('me'); },
  get server() { return kindDebug('server'); },
  get hp() { return kindDebug('hp'); },
  get seq() { return kindDebug('seq') ?? 0; },
  get pending() { return kindDebug('pending') ?? 0; },
  get offset() { return sync.synced ? sync.offset : null; },
  get ping() { return sync.synced ? sync.ping : null; },
  get timeSyncRounds() { return sync.rounds; },
  get players() {
    const t = performance.now();
    return room ? [...room.players.values()].map((p) => ({ id: p.id, name: p.name, label: p.label, hp: p.hp, dead: p.dead, idle: room.isIdle(p.id, t) })) : [];
  },
  get rooms() { return rooms.map((r) => ({ ...r })); },
  get roomsLive() { return feed.live; },
  get snapshots() { return kindDebug('snapshots') ?? 0; },
  get whisperTo() { return whisperTo; },
  get whispers() { return serverV11; },
  get announcements() { return announcements.map((a) => ({ ...a })); },
  get pong() { return room?.kind === 'pong' ? { state: views.pong.debug.state, scores: views.pong.debug.scores, winner: views.pong.debug.winner, ball: views.pong.debug.ball } : null; },
  get board() { return room?.kind === 'board' ? { strokes: views.board.debug.strokes, pending: views.board.debug.pending, queued: views.board.debug.queued, sent: views.board.debug.sent } : null; },
});
Object.defineProperty(window, 'game', { value: debug, writable: false, configurable: false });

// Relay test hook: send(text) over the data channels; messages [{from, text, dir, time}] (the same array for
// the page's life, emptied on entering a relay room); state, peers, media.
const relayTest = Object.freeze({
  send: (text) => relayTestHook.send(text),
  messages: relayTestHook.messages,
  get state() { return relayTestHook.state; },
  get peers() { return relayTestHook.peers.map((p) => ({ ...p })); },
  get media() { return relayTestHook.media; },
});
Object.defineProperty(window, 'relayTest', { value: relayTest, writable: false, configurable: false });

// ---------------------------------------------------------------- start

const saved = savedSession();
/** @type {HTMLInputElement} */ ($('name')).value = saved.name;
ui.setConnection('offline');
updateKindPicker();
if (saved.name && saved.token) conn.connect(saved.name); // resume after a reload
else showLogin();
