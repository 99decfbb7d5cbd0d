// Wires the client together: connection, time sync, prediction, interpolation, input, drawing, UI.
import { Connection, defaultSocketUrl, savedSession } from './net.js';
import { TimeSync } from './timesync.js';
import { Predictor, normaliseInput } from './prediction.js';
import { SnapshotBuffer, parsePlayers, INTERPOLATION_DELAY_MS } from './interpolation.js';
import { RoomState, HIT_FLASH_MS, RESPAWN_DELAY_MS } from './room.js';
import { Renderer } from './render.js';
import { Keyboard } from './input.js';
import * as ui from './ui.js';

const { $ } = ui;

/** The client clock (protocol.md "client clock"): ms since the Unix epoch, monotonic within the page. */
const clientNow = () => performance.timeOrigin + performance.now();

const ROOM_ID = /^[A-Za-z0-9_-]{1,32}$/;
const RESYNC_EVERY_MS = 15000;
const ROOMS_REFRESH_MS = 5000;
const SEAT_WAIT_MS = 3000;
const ATTACK_COOLDOWN_MS = 500;

const conn = new Connection(defaultSocketUrl());
const sync = new TimeSync();
const predictor = new Predictor();
const snapshots = new SnapshotBuffer();
const renderer = new Renderer(/** @type {HTMLCanvasElement} */ ($('game')));
const keyboard = new Keyboard({ enabled: () => room !== null });

/** @type {RoomState | null} */
let room = null;
let rooms = [];
/** The last room asked for, to offer it again after a lost seat. */
let lastJoin = null;
let joinPending = false;
let seatTimer = 0;
let inputTimer = 0;
let lastStepAt = 0;
let sentMoving = false;
let lastLocalAttack = -Infinity;
/** @type {{x: number, y: number, hp: number, ack: number} | null} */
let myServer = null;
let playersDirty = true;

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
  const handler = handlers[msg.type];
  if (handler) handler(msg);
});

const handlers = {
  time: onTimeReply,

  rooms(msg) {
    rooms = Array.isArray(msg.rooms) ? msg.rooms : [];
    ui.renderRooms(rooms, pickRoom);
  },

  joined(msg) {
    enterRoom(msg);
  },

  map(msg) {
    if (!room) return;
    const players = parsePlayers(msg.player);
    const time = Number(msg.time);
    const tick = Number(msg.tick);
    snapshots.push({ time, tick, players });
    if (time >= newestSnapshot.time) newestSnapshot = { time, receivedAt: clientNow() };
    const respawned = room.applySnapshot(players, tick, time, performance.now());
    if (respawned.length) playersDirty = true;
    const mine = players.get(room.you);
    if (mine) {
      myServer = mine;
      predictor.reconcile(mine.x, mine.y, mine.ack, { alive: mine.hp > 0 });
    }
  },

  player_joined(msg) {
    if (!room) return;
    const known = room.players.has(msg.id);
    room.addPlayer(msg.id, msg.name, msg.color, performance.now());
    if (!known) ui.addSystem(`${room.nameOf(msg.id)} joined.`, 'join');
    playersDirty = true;
  },

  player_left(msg) {
    if (!room) return;
    if (msg.id === room.you) {
      leaveRoomLocally();
      return;
    }
    const name = room.nameOf(msg.id);
    room.players.delete(msg.id);
    ui.addSystem(`${name} left.`, 'leave');
    playersDirty = true;
  },

  player_attacked(msg) {
    if (!room) return;
    room.onAttacked(msg, performance.now());
    playersDirty = true;
  },

  player_killed(msg) {
    if (!room) return;
    room.onKilled(msg, performance.now());
    const victim = msg.id === room.you ? 'you' : room.nameOf(msg.id);
    const killer = msg.by === room.you ? 'You' : room.nameOf(msg.by);
    ui.addSystem(msg.by === msg.id || msg.by == null ? `${victim} went down.` : `${killer} knocked out ${victim}.`, 'kill');
    playersDirty = true;
  },

  host_changed(msg) {
    if (!room) return;
    room.host = msg.id;
    ui.addSystem(msg.id === room.you ? 'You are now the host.' : `${room.nameOf(msg.id)} is now the host.`, 'info');
    playersDirty = true;
  },

  chat(msg) {
    if (!room) return;
    const p = room.players.get(msg.from);
    ui.addChat(p?.name ?? String(msg.from), p?.color, msg.text, Number(msg.time));
  },

  error(msg) {
    const code = String(msg.code ?? 'error');
    const text = ui.ERROR_TEXT[code] ?? 'Something went wrong.';
    const detail = typeof msg.message === 'string' && msg.message ? msg.message : text;
    if (!conn.online) $('login-error').textContent = detail;
    else if (!room) {
      $('lobby-error').textContent = code === 'bad_request' || code === 'unavailable' ? detail : text;
      setJoinPending(false);
    }
    ui.toast(code.replace(/_/g, ' '), detail);
  },
};

// ---------------------------------------------------------------- screens

function showLogin() {
  room = null;
  stopInputLoop();
  ui.setWhoAmI('');
  ui.showScreen('login');
  $('name').focus();
}

function showLobby() {
  ui.showScreen('lobby');
  setJoinPending(false);
  conn.send({ type: 'rooms' });
}

function enterRoom(msg) {
  clearTimeout(seatTimer);
  newestSnapshot = { time: 0, receivedAt: 0 };
  setJoinPending(false);
  const now = performance.now();
  const sameRoom = room && room.id === msg.room;
  room = new RoomState(msg, now);
  room.rejoined = true;
  predictor.reset();
  predictor.setRules({ width: room.world.width, height: room.world.height, tickHz: room.tickHz });
  snapshots.clear();
  myServer = null;
  sentMoving = false;
  keyboard.reset();
  if (!sameRoom) ui.clearChat();
  ui.addSystem(sameRoom ? `Back in ${room.id}.` : `You joined ${room.id}${room.host === room.you ? ' as host' : ''}.`, 'join');
  $('lobby-error').textContent = '';
  ui.showScreen('game');
  startInputLoop();
  playersDirty = true;
  $('game').focus();
}

function leaveRoomLocally() {
  room = null;
  stopInputLoop();
  snapshots.clear();
  predictor.reset();
  myServer = null;
  keyboard.reset();
  showLobby();
}

function seatLost(text) {
  const lost = room;
  leaveRoomLocally();
  if (lost) {
    $('room').value = lost.id;
    if (lastJoin?.room === lost.id) $('password').value = lastJoin.password ?? '';
  }
  ui.toast('seat lost', `${text} Join again to continue.`, 'info');
}

function pickRoom(r) {
  $('room').value = r.id;
  if (r.locked) {
    $('password').focus();
    $('lobby-error').textContent = `“${r.id}” is locked: enter its password.`;
  } else {
    $('password').value = '';
    requestJoin();
  }
}

function setJoinPending(pending) {
  joinPending = pending;
  $('join').disabled = pending;
  $('join').textContent = pending ? 'Joining…' : 'Join';
}

function requestJoin() {
  const id = /** @type {HTMLInputElement} */ ($('room')).value.trim();
  const password = /** @type {HTMLInputElement} */ ($('password')).value;
  if (!ROOM_ID.test(id)) {
    $('lobby-error').textContent = 'Room ids are 1–32 letters, digits, “-” or “_”.';
    return;
  }
  if (joinPending) return;
  $('lobby-error').textContent = '';
  lastJoin = { room: id, password };
  const msg = { type: 'join', room: id, kind: 'arena' };
  if (password) msg.password = password;
  if (conn.send(msg)) {
    setJoinPending(true);
    setTimeout(() => { if (joinPending) setJoinPending(false); }, 5000);
  } else {
    $('lobby-error').textContent = 'Not connected.';
  }
}

// ---------------------------------------------------------------- input loop (one input per server tick)

function startInputLoop() {
  stopInputLoop();
  inputTimer = setInterval(inputTick, 1000 / (room?.tickHz ?? 20));
}

function stopInputLoop() {
  clearInterval(inputTimer);
  inputTimer = 0;
}

function inputTick() {
  if (!room || !conn.online || !predictor.ready) return;
  const raw = keyboard.direction();
  const attack = keyboard.takeAttack();
  const moving = raw[0] !== 0 || raw[1] !== 0;
  if (!moving && !attack && !sentMoving) return;
  const dir = normaliseInput(raw[0], raw[1]);
  const alive = !(room.me?.dead ?? false);
  const seq = predictor.applyInput(dir, { alive });
  lastStepAt = performance.now();
  const msg = {
    type: 'input',
    seq,
    time: Math.round(clientNow()),
    input: [Math.round(dir[0] * 1e4) / 1e4, Math.round(dir[1] * 1e4) / 1e4],
  };
  if (attack) msg.attack = true;
  conn.send(msg);
  sentMoving = moving;
}

keyboard.onAttack = () => {
  const now = performance.now();
  if (!room || room.me?.dead || now - lastLocalAttack < ATTACK_COOLDOWN_MS) return;
  lastLocalAttack = now;
  room.onLocalAttack(now);
};

// ---------------------------------------------------------------- drawing

/** Local receive time of the newest snapshot, and that snapshot's server time. */
let newestSnapshot = { time: 0, receivedAt: 0 };

/**
 * The server clock to render at: the synced clock, unless `map.time` disagrees with it by more than a second
 * (clock not synced yet, or a server whose snapshot times are on another base); then the snapshots' own
 * timeline, advanced by local time since the newest one arrived.
 */
function renderClock() {
  const synced = sync.toServer(clientNow());
  if (!newestSnapshot.receivedAt || Math.abs(synced - newestSnapshot.time) < 1000) return synced;
  return newestSnapshot.time + (clientNow() - newestSnapshot.receivedAt);
}

let lastFrame = performance.now();
let fps = 60;
let lastHud = 0;

function frame() {
  const t = performance.now();
  const dt = t - lastFrame;
  lastFrame = t;
  if (dt > 0) fps = fps * 0.95 + (1000 / dt) * 0.05;
  predictor.decay(dt);

  if (room) {
    room.prune(t);
    const renderTime = renderClock() - INTERPOLATION_DELAY_MS;
    const sample = snapshots.sample(renderTime, room.world);
    const positions = new Map();
    const view = { world: room.world, now: t, players: [], waves: [], banner: '' };
    for (const entry of room.players.values()) {
      const isMe = entry.id === room.you;
      let pos = isMe ? predictor.displayPosition(t - lastStepAt) : null;
      const s = sample?.players.get(entry.id);
      if (!pos && s) pos = s;
      if (!pos) continue;
      positions.set(entry.id, pos);
      view.players.push({
        id: entry.id,
        name: entry.name,
        color: entry.color,
        x: pos.x,
        y: pos.y,
        hp: isMe && myServer ? myServer.hp : (s?.hp ?? entry.hp),
        dead: entry.dead,
        isMe,
        isHost: entry.id === room.host,
        flash: Math.max(0, (entry.flashUntil - t) / HIT_FLASH_MS),
        spawnAge: t - entry.spawnAt,
      });
    }
    for (const fx of room.effects) {
      const pos = positions.get(fx.id);
      const p = room.players.get(fx.id);
      if (pos && p && !p.dead) view.waves.push({ x: pos.x, y: pos.y, age: t - fx.at, color: p.color });
    }
    const me = room.me;
    if (!conn.online) view.banner = 'Connection lost — reconnecting…';
    else if (me?.dead) {
      const left = Math.max(0, RESPAWN_DELAY_MS - (t - me.diedAt)) / 1000;
      view.banner = `Knocked out — respawning${left > 0 ? ` in ${left.toFixed(1)} s` : '…'}`;
    } else if (!sample) view.banner = 'Waiting for the first snapshot…';
    renderer.draw(view);

    if (t - lastHud > 200) {
      lastHud = t;
      ui.updateHud({
        room: room.id,
        ping: sync.ping,
        offset: sync.synced ? sync.offset : NaN,
        tick: room.lastTick,
        players: room.players.size,
        max: rooms.find((r) => r.id === room.id)?.max,
        hp: myServer?.hp,
        fps,
      });
      if (playersDirty) {
        playersDirty = false;
        ui.renderPlayers(room);
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

$('refresh').addEventListener('click', () => conn.send({ type: 'rooms' }));

setInterval(() => {
  if (conn.online && !room && document.body.dataset.screen === 'lobby' && !document.hidden) conn.send({ type: 'rooms' });
}, ROOMS_REFRESH_MS);

$('leave').addEventListener('click', () => {
  conn.send({ type: 'leave' });
  leaveRoomLocally();
});

$('logout').addEventListener('click', () => {
  room = null;
  conn.disconnect();
});

$('chat-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('chat-input'));
  const text = input.value.trim().slice(0, 200);
  if (text && conn.send({ type: 'chat', text })) input.value = '';
  input.blur();
  $('game').focus();
});

$('chat-input').addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    /** @type {HTMLInputElement} */ (e.target).blur();
    $('game').focus();
  }
});

window.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement;
  if (room && !typing && e.key === 'Enter') {
    e.preventDefault();
    $('chat-input').focus();
  }
});

// ---------------------------------------------------------------- debug state for tests (read-only)

const debug = Object.freeze({
  get connected() { return conn.online; },
  get state() { return conn.state; },
  get playerId() { return conn.playerId; },
  get name() { return conn.name; },
  get room() { return room?.id ?? null; },
  get host() { return room?.host ?? null; },
  get lastTick() { return room?.lastTick ?? 0; },
  get me() { return predictor.position ? { x: predictor.position.x, y: predictor.position.y } : null; },
  get server() { return myServer ? { x: myServer.x, y: myServer.y, hp: myServer.hp, ack: myServer.ack } : null; },
  get hp() { return myServer?.hp ?? null; },
  get seq() { return predictor.seq; },
  get pending() { return predictor.pending.length; },
  get offset() { return sync.synced ? sync.offset : null; },
  get ping() { return sync.synced ? sync.ping : null; },
  get timeSyncRounds() { return sync.rounds; },
  get players() { return room ? [...room.players.values()].map((p) => ({ id: p.id, name: p.name, hp: p.hp, dead: p.dead })) : []; },
  get rooms() { return rooms.map((r) => ({ ...r })); },
  get snapshots() { return snapshots.size; },
});
Object.defineProperty(window, 'game', { value: debug, writable: false, configurable: false });

// ---------------------------------------------------------------- start

const saved = savedSession();
/** @type {HTMLInputElement} */ ($('name')).value = saved.name;
ui.setConnection('offline');
if (saved.name && saved.token) conn.connect(saved.name); // resume after a reload
else showLogin();
