// A call between the peers of a relay room (kind `relay`, protocol.md v1.1): WebRTC with the offers, answers
// and ICE candidates signalled through `relay` messages (js/relay-signal.js), host candidates only
// (`iceServers: []`), video when a camera is there (data-only otherwise), and a text chat over a data channel.
// The host is shown as "Player 1". `window.relayTest` (installed by main.js) exposes `relayTestHook`.
import { RelayMesh, jsonBytes, RELAY_DATA_LIMIT } from '../relay-signal.js';
import { TokenBucket, PacedQueue } from '../ratelimit.js';
import { isWaiting } from '../protocol.js';
import { cssColor } from '../room.js';

/** The server allows 60 `relay` per second; signalling stays under 40. */
const RELAY_PER_SECOND = 40;
const MAX_LOG = 200;

/** Data-channel messages and connection state for tests (`window.relayTest`). */
export const relayTestHook = {
  /** @type {{from: string, text: string, dir: 'in' | 'out', time: number, peers?: number}[]} */
  messages: [],
  /** @type {(text: string) => number} */
  send: () => 0,
  state: 'idle',
  /** @type {{id: string, role: string, connection: string, channel: string}[]} */
  peers: [],
  media: 'none',
};

/**
 * Asks for camera and microphone, then camera only, then microphone only; null when there is none (or no
 * permission): the call is then data-only.
 */
async function openMedia() {
  const md = globalThis.navigator?.mediaDevices;
  if (!md || typeof md.getUserMedia !== 'function') return null;
  for (const c of [{ video: true, audio: true }, { video: true }, { audio: true }]) {
    try {
      return await md.getUserMedia(c);
    } catch (e) {
      if (e && (e.name === 'NotAllowedError' || e.name === 'SecurityError')) return null; // asked and refused
    }
  }
  return null;
}

/** @param {any} ctx the shell's view context (main.js) */
export function createRelayView(ctx) {
  const root = ctx.$('relay-view');
  const status = ctx.$('relay-status');
  const videos = ctx.$('relay-videos');
  const log = ctx.$('relay-log');
  // At most 10 + 40 in any second: under the server's 60.
  const queue = new PacedQueue(new TokenBucket(RELAY_PER_SECOND, 10), 400);
  let room = null;
  /** @type {RelayMesh | null} */
  let mesh = null;
  let timer = 0;
  let local = null; // MediaStream
  let mediaState = 'none';
  let generation = 0;
  /** @type {Map<string, MediaStream>} */
  const remoteStreams = new Map();
  /** @type {Map<string, HTMLElement>} */
  const tiles = new Map();

  function pump() {
    for (const m of queue.pump(performance.now())) ctx.send(m);
  }

  function sendSignal(to, data) {
    if (jsonBytes(data) > RELAY_DATA_LIMIT) {
      console.warn('relay data over 2 KiB dropped', data.rtc);
      return;
    }
    queue.push({ type: 'relay', to, data });
    pump();
  }

  /** "Player n": the host is Player 1, the others numbered in the order they sit in the room. */
  function playerNumber(id) {
    if (!room) return 0;
    if (id === room.host) return 1;
    let n = 2;
    for (const pid of room.players.keys()) {
      if (pid === room.host) continue;
      if (pid === id) return n;
      n += 1;
    }
    return n;
  }

  function labelOf(id) {
    const you = id === room?.you ? ' (you)' : '';
    return `Player ${playerNumber(id)} · ${room?.nameOf(id) ?? id}${you}`;
  }

  function record(entry) {
    relayTestHook.messages.push(entry);
    if (relayTestHook.messages.length > 1000) relayTestHook.messages.splice(0, relayTestHook.messages.length - 1000);
    const li = document.createElement('li');
    const from = document.createElement('span');
    from.className = 'from';
    from.style.color = cssColor(room?.players.get(entry.from)?.color);
    from.textContent = entry.dir === 'out' ? 'You' : room?.nameOf(entry.from) ?? entry.from;
    li.append(from, entry.text);
    if (entry.dir === 'out' && entry.peers === 0) {
      li.classList.add('system');
      li.textContent = `Not sent (no open connection): ${entry.text}`;
    }
    log.append(li);
    while (log.children.length > MAX_LOG) log.firstElementChild.remove();
    log.scrollTop = log.scrollHeight;
  }

  function sendText(text) {
    const t = String(text ?? '').trim();
    if (!t || !mesh || !room) return 0;
    const n = mesh.sendText(t);
    record({ from: room.you, text: t, dir: 'out', time: Date.now(), peers: n });
    return n;
  }

  function tile(id) {
    let el = tiles.get(id);
    if (!el) {
      el = document.createElement('figure');
      el.className = 'tile';
      el.dataset.peer = id;
      const v = document.createElement('video');
      v.autoplay = true;
      v.playsInline = true;
      if (id === room.you) v.muted = true;
      const cap = document.createElement('figcaption');
      const name = document.createElement('span');
      name.className = 'tile-name';
      const st = document.createElement('span');
      st.className = 'tile-state';
      cap.append(name, st);
      el.append(v, cap);
      tiles.set(id, el);
    }
    return el;
  }

  function render() {
    if (!room || !mesh) return;
    const summary = new Map(mesh.summary().map((s) => [s.id, s]));
    const ordered = [...room.players.keys()].sort((a, b) => playerNumber(a) - playerNumber(b));
    const els = [];
    for (const id of ordered) {
      const el = tile(id);
      const v = /** @type {HTMLVideoElement} */ (el.querySelector('video'));
      const stream = id === room.you ? local : remoteStreams.get(id) ?? null;
      if (v.srcObject !== stream) {
        v.srcObject = stream;
        if (stream) v.play().catch(() => {});
      }
      const hasVideo = !!stream && stream.getVideoTracks().length > 0;
      el.classList.toggle('no-video', !hasVideo);
      el.classList.toggle('host', id === room.host);
      el.querySelector('.tile-name').textContent = labelOf(id);
      let st = '';
      if (id === room.you) st = mediaState === 'pending' ? 'camera…' : mediaState === 'camera' ? 'camera on' : mediaState === 'audio' ? 'microphone only' : 'no camera (data only)';
      else {
        const s = summary.get(id);
        st = s ? (s.channel === 'open' ? 'connected' : s.connection === 'failed' ? 'failed — retrying' : 'connecting…') : '';
      }
      const stEl = el.querySelector('.tile-state');
      stEl.textContent = st;
      el.dataset.state = id === room.you ? mediaState : summary.get(id)?.channel === 'open' ? 'open' : 'connecting';
      els.push(el);
    }
    for (const [id, el] of tiles) {
      if (!room.players.has(id)) {
        const v = el.querySelector('video');
        if (v) v.srcObject = null;
        tiles.delete(id);
      }
    }
    videos.replaceChildren(...els);

    const waiting = isWaiting(room.waiting, room.players.size, room.max);
    const state = mesh.state;
    relayTestHook.state = state;
    relayTestHook.peers = mesh.summary();
    relayTestHook.media = mediaState;
    const open = mesh.summary().filter((x) => x.channel === 'open').length;
    let text;
    if (waiting) {
      text = 'Waiting for a peer connection…';
      if (open > 0) text += ` Connected to ${open} ${open === 1 ? 'peer' : 'peers'} so far (${room.players.size} / ${room.max ?? '?'}).`;
    }
    else if (state === 'connected') text = `Connected peer to peer with ${room.players.size - 1} ${room.players.size === 2 ? 'peer' : 'peers'}.`;
    else if (state === 'partial') text = 'Connected to some peers; still connecting to the others…';
    else if (state === 'failed') text = 'The peer connection failed; retrying…';
    else text = 'Connecting to the other peers…';
    status.textContent = text;
    status.dataset.state = waiting ? 'waiting' : state;
  }

  return {
    kind: 'relay',
    wantsKeys: false,
    /** @param {import('../room.js').RoomState} r */
    enter(r) {
      room = r;
      generation += 1;
      const gen = generation;
      relayTestHook.messages.length = 0;
      relayTestHook.send = sendText;
      log.replaceChildren();
      root.hidden = false;
      remoteStreams.clear();
      tiles.clear();
      if (typeof globalThis.RTCPeerConnection !== 'function') {
        status.textContent = 'This browser has no WebRTC: the call cannot start.';
        relayTestHook.state = 'unsupported';
        return;
      }
      mesh = new RelayMesh({
        me: r.you,
        send: sendSignal,
        createPeerConnection: () => new RTCPeerConnection({ iceServers: [] }),
        onChange: () => render(),
        onMessage: (from, text) => record({ from, text, dir: 'in', time: Date.now() }),
        onTrack: (id, track) => {
          let s = remoteStreams.get(id);
          if (!s) {
            s = new MediaStream();
            remoteStreams.set(id, s);
          }
          for (const old of s.getTracks()) if (old.kind === track.kind && old !== track) s.removeTrack(old);
          if (!s.getTracks().includes(track)) s.addTrack(track);
          render();
        },
        log: (m) => console.debug('[relay]', m),
      });
      clearInterval(timer);
      timer = setInterval(pump, 25);
      mesh.start(r.players.keys());
      mediaState = 'pending';
      render();
      openMedia().then((stream) => {
        if (gen !== generation || !mesh) {
          for (const t of stream?.getTracks() ?? []) t.stop();
          return;
        }
        local = stream;
        mediaState = !stream ? 'none' : stream.getVideoTracks().length ? 'camera' : 'audio';
        mesh.setLocalStream(stream);
        render();
      });
    },

    leave() {
      generation += 1;
      clearInterval(timer);
      timer = 0;
      mesh?.close();
      mesh = null;
      queue.clear();
      for (const t of local?.getTracks() ?? []) t.stop();
      local = null;
      mediaState = 'none';
      for (const el of tiles.values()) {
        const v = el.querySelector('video');
        if (v) v.srcObject = null;
      }
      tiles.clear();
      remoteStreams.clear();
      videos.replaceChildren();
      root.hidden = true;
      room = null;
      relayTestHook.send = () => 0;
      relayTestHook.state = 'idle';
      relayTestHook.peers = [];
      relayTestHook.media = 'none';
    },

    message(msg) {
      if (!room) return false;
      if (msg.type === 'relay') {
        if (mesh && !mesh.receive(msg.from, msg.data)) console.debug('[relay] non-signal data from', msg.from);
        return true;
      }
      return false;
    },

    /** The roster changed (player_joined, player_left, host_changed). */
    roster() {
      if (!room || !mesh) return;
      mesh.setPeers(room.players.keys());
      for (const id of [...remoteStreams.keys()]) if (!room.players.has(id)) remoteStreams.delete(id);
      render();
    },

    error(code) {
      if (!room) return false;
      if (code === 'unknown_player') {
        // A signal to a peer that just left: the roster update will close that connection.
        return true;
      }
      if (code === 'rate_limited') {
        queue.bucket.tokens = 0;
        return true;
      }
      return false;
    },

    frame() {},

    hud() {
      const open = mesh ? mesh.summary().filter((s) => s.channel === 'open').length : 0;
      return { tick: null, extraLabel: 'Peers', extra: mesh ? `${open} / ${Math.max(0, (room?.players.size ?? 1) - 1)}` : '—' };
    },

    sendText,

    debug: {
      get state() { return mesh?.state ?? 'idle'; },
      get peers() { return mesh?.summary() ?? []; },
      get media() { return mediaState; },
    },
  };
}

// Wire the relay chat form once (the view object is created once by main.js and reused).
export function wireRelayForm(ctx, view) {
  const form = ctx.$('relay-form');
  const input = /** @type {HTMLInputElement} */ (ctx.$('relay-input'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    view.sendText(input.value);
    input.value = '';
  });
}
