// WebRTC signalling over the `relay` room kind (protocol.md v1.1, kind `relay`): offers, answers and ICE
// candidates travel as `relay` `data` (at most 2 KiB each, so SDP is sent in parts). One connection per pair
// of peers; the peer with the smaller id (code-unit order) always makes the offer, so two pages never offer
// to each other at once (no glare). The other one says `hello` when it arrives (or when its connection
// failed) to ask for an offer.
//
// `RelayMesh` holds the connections. It gets its RTCPeerConnection factory and its `send` injected, so it runs
// under node with fakes (tests/relay-signal.test.mjs). Media is negotiated up front (an audio and a video
// transceiver, sendrecv, per connection) and local tracks are attached with `replaceTrack` whenever the camera
// is ready, so media never needs a renegotiation and a call without a camera is a data-only call.
//
// Relay `data` shapes (the `rtc` field tells them apart):
//   {rtc: 'hello'}                                          ask the peer (the offerer) for an offer
//   {rtc: 'sdp', sid, type: 'offer'|'answer', i, n, part}   part i of n of a session description
//   {rtc: 'ice', sid, c, mid, idx}                          an ICE candidate (c = candidate string)
// `sid` names one negotiation (offerer's page id + counter); candidates of another sid are dropped.

/** Largest `relay.data` the server takes, bytes as sent (protocol.md: 2 KiB). */
export const RELAY_DATA_LIMIT = 2048;
/** Budget for the SDP text in one part, bytes as JSON (leaves room for the other fields). */
export const SDP_PART_BYTES = 1500;
/** Connections that fail are retried at most this often, ms. */
export const RETRY_MS = 4000;

const encoder = new TextEncoder();

/** Bytes of a value as JSON text (what the server measures). */
export function jsonBytes(value) {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * Whether `me` makes the offer to `peer`: the smaller id does (plain code-unit order, the same on both sides).
 * @param {string} me
 * @param {string} peer
 */
export function isOfferer(me, peer) {
  return String(me) < String(peer);
}

/**
 * Splits text into parts whose JSON string form is at most `budget` bytes.
 * @param {string} text
 * @param {number} [budget]
 * @returns {string[]}
 */
export function splitForJson(text, budget = SDP_PART_BYTES) {
  const s = String(text);
  const parts = [];
  let start = 0;
  while (start < s.length) {
    let end = Math.min(s.length, start + budget);
    while (end > start + 1 && jsonBytes(s.slice(start, end)) > budget) {
      end = start + Math.max(1, Math.floor((end - start) * 0.85));
    }
    // Never cut a surrogate pair in two.
    const code = s.charCodeAt(end - 1);
    if (end < s.length && end - start > 1 && code >= 0xd800 && code <= 0xdbff) end -= 1;
    parts.push(s.slice(start, end));
    start = end;
  }
  return parts.length ? parts : [''];
}

/**
 * The relay `data` messages carrying one session description.
 * @param {string} sid
 * @param {'offer' | 'answer'} type
 * @param {string} sdp
 */
export function sdpMessages(sid, type, sdp) {
  const parts = splitForJson(sdp);
  return parts.map((part, i) => ({ rtc: 'sdp', sid, type, i, n: parts.length, part }));
}

/**
 * A relay `data` value, checked: the signal it is, or null for anything else (e.g. another app's data).
 * @param {any} data
 */
export function parseSignal(data) {
  if (!data || typeof data !== 'object' || typeof data.rtc !== 'string') return null;
  switch (data.rtc) {
    case 'hello':
      return { rtc: 'hello' };
    case 'sdp':
      if (typeof data.sid !== 'string' || (data.type !== 'offer' && data.type !== 'answer')) return null;
      if (!Number.isInteger(data.i) || !Number.isInteger(data.n) || data.n < 1 || data.n > 64 || data.i < 0 || data.i >= data.n) return null;
      if (typeof data.part !== 'string') return null;
      return { rtc: 'sdp', sid: data.sid, type: data.type, i: data.i, n: data.n, part: data.part };
    case 'ice':
      if (typeof data.sid !== 'string' || typeof data.c !== 'string') return null;
      return {
        rtc: 'ice',
        sid: data.sid,
        c: data.c,
        mid: typeof data.mid === 'string' ? data.mid : null,
        idx: Number.isInteger(data.idx) ? data.idx : null,
      };
    default:
      return null;
  }
}

/** Puts session descriptions back together from their parts (parts of one sender arrive in order). */
export class SdpAssembler {
  constructor() {
    /** @type {Map<string, {sid: string, type: string, n: number, parts: string[]}>} by sender */
    this.partial = new Map();
  }

  /**
   * @param {string} from sender
   * @param {{sid: string, type: string, i: number, n: number, part: string}} sig
   * @returns {{sid: string, type: 'offer' | 'answer', sdp: string} | null} the whole description, once complete
   */
  add(from, sig) {
    let cur = this.partial.get(from);
    if (sig.i === 0 || !cur || cur.sid !== sig.sid || cur.type !== sig.type || cur.n !== sig.n || cur.parts.length !== sig.i) {
      if (sig.i !== 0) {
        this.partial.delete(from);
        return null; // a part without its beginning
      }
      cur = { sid: sig.sid, type: sig.type, n: sig.n, parts: [] };
      this.partial.set(from, cur);
    }
    cur.parts.push(sig.part);
    if (cur.parts.length < cur.n) return null;
    this.partial.delete(from);
    return { sid: cur.sid, type: /** @type {'offer'|'answer'} */ (cur.type), sdp: cur.parts.join('') };
  }

  forget(from) {
    this.partial.delete(from);
  }
}

/** A short random id for this page's negotiations. */
export function pageSessionId(random = Math.random) {
  return Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0');
}

/**
 * All WebRTC connections of the local peer in one relay room.
 *
 * Options:
 * - `me`: the local player id
 * - `send(to, data)`: sends `{"type":"relay","to","data"}`
 * - `createPeerConnection()`: `new RTCPeerConnection({iceServers: []})` in the browser
 * - `now()`: ms clock (for retry pacing)
 * - `onChange()`: something about a connection changed (state, channel)
 * - `onMessage(from, text)`: a chat line arrived over a data channel
 * - `onTrack(peerId, track)`: a remote media track arrived
 * - `session`: this page's id for sids (random by default)
 */
export class RelayMesh {
  constructor({ me, send, createPeerConnection, now = () => Date.now(), onChange = () => {}, onMessage = () => {}, onTrack = () => {}, session = pageSessionId(), log = () => {} }) {
    this.me = String(me);
    this.sendSignal = send;
    this.createPeerConnection = createPeerConnection;
    this.now = now;
    this.onChange = onChange;
    this.onMessage = onMessage;
    this.onTrack = onTrack;
    this.session = session;
    this.log = log;
    this.counter = 0;
    this.assembler = new SdpAssembler();
    /** @type {Map<string, any>} */
    this.peers = new Map();
    /** @type {any} MediaStream or null */
    this.localStream = null;
    this.closed = false;
  }

  /**
   * The room's players changed (joined, player_joined, player_left). Connections to players gone are closed.
   * @param {Iterable<string>} ids everyone in the room, the local player included or not
   */
  setPeers(ids) {
    const keep = new Set([...ids].map(String).filter((id) => id !== this.me));
    for (const id of [...this.peers.keys()]) if (!keep.has(id)) this.drop(id);
    for (const id of keep) this.entry(id);
    this.onChange();
  }

  /** Entering the room: call the peers we offer to, say hello to the others. @param {Iterable<string>} ids */
  start(ids) {
    this.setPeers(ids);
    for (const id of this.peers.keys()) {
      if (isOfferer(this.me, id)) this.call(id);
      else this.sendSignal(id, { rtc: 'hello' });
    }
  }

  /** A `relay` message from `from`. @returns {boolean} whether it was a signal */
  receive(from, data) {
    if (this.closed) return false;
    const sig = parseSignal(data);
    if (!sig) return false;
    const id = String(from);
    if (id === this.me) return true;
    if (sig.rtc === 'hello') {
      if (isOfferer(this.me, id)) this.call(id);
    } else if (sig.rtc === 'sdp') {
      const whole = this.assembler.add(id, sig);
      if (whole && whole.type === 'offer') this.onOffer(id, whole.sid, whole.sdp);
      else if (whole && whole.type === 'answer') this.onAnswer(id, whole.sid, whole.sdp);
    } else if (sig.rtc === 'ice') {
      this.onIce(id, sig);
    }
    return true;
  }

  /** Sends a chat line to every open data channel. @returns {number} peers it went to */
  sendText(text) {
    const payload = JSON.stringify({ text: String(text) });
    let n = 0;
    for (const p of this.peers.values()) {
      if (p.channel && p.channel.readyState === 'open') {
        try {
          p.channel.send(payload);
          n += 1;
        } catch (e) {
          this.log(`send to ${p.id} failed: ${e}`);
        }
      }
    }
    return n;
  }

  /** The camera/microphone is ready (or null to stop sending): attached to every connection. */
  setLocalStream(stream) {
    this.localStream = stream;
    for (const p of this.peers.values()) if (p.pc) this.attachTracks(p.pc);
  }

  /** Connection summary per peer. */
  summary() {
    return [...this.peers.values()].map((p) => ({
      id: p.id,
      role: isOfferer(this.me, p.id) ? 'offerer' : 'answerer',
      connection: p.pc ? p.pc.connectionState ?? 'new' : 'none',
      channel: p.channel ? p.channel.readyState : 'none',
    }));
  }

  /**
   * Overall state: `waiting` (no peer), `connecting`, `connected` (every peer's data channel open),
   * `partial` (some open), `failed` (none open and one failed).
   */
  get state() {
    const list = this.summary();
    if (list.length === 0) return 'waiting';
    const open = list.filter((p) => p.channel === 'open').length;
    if (open === list.length) return 'connected';
    if (open > 0) return 'partial';
    if (list.some((p) => p.connection === 'failed')) return 'failed';
    return 'connecting';
  }

  close() {
    this.closed = true;
    for (const id of [...this.peers.keys()]) this.drop(id);
  }

  // ------------------------------------------------------------ internals

  entry(id) {
    let p = this.peers.get(id);
    if (!p) {
      p = { id, pc: null, channel: null, sid: null, answered: null, remoteSet: false, pendingIce: [], lastRetry: -Infinity };
      this.peers.set(id, p);
    }
    return p;
  }

  drop(id) {
    const p = this.peers.get(id);
    if (!p) return;
    this.closePc(p);
    this.peers.delete(id);
    this.assembler.forget(id);
  }

  closePc(p) {
    const { pc, channel } = p;
    p.pc = null;
    p.channel = null;
    p.remoteSet = false;
    p.pendingIce = [];
    try {
      channel?.close();
    } catch { /* already closed */ }
    try {
      pc?.close();
    } catch { /* already closed */ }
  }

  /** A fresh connection for peer `p` under negotiation `sid`. */
  newPc(p, sid) {
    this.closePc(p);
    p.sid = sid;
    const pc = this.createPeerConnection();
    p.pc = pc;
    const channel = pc.createDataChannel('chat', { negotiated: true, id: 0 });
    p.channel = channel;
    channel.onopen = () => this.onChange();
    channel.onclose = () => this.onChange();
    channel.onmessage = (e) => {
      if (p.channel !== channel) return;
      let text = null;
      try {
        const v = JSON.parse(String(e.data));
        if (v && typeof v.text === 'string') text = v.text;
      } catch { /* not ours */ }
      if (text !== null) this.onMessage(p.id, text);
    };
    pc.onicecandidate = (e) => {
      if (p.pc !== pc || !e.candidate || !e.candidate.candidate) return;
      this.sendSignal(p.id, { rtc: 'ice', sid, c: e.candidate.candidate, mid: e.candidate.sdpMid ?? null, idx: e.candidate.sdpMLineIndex ?? null });
    };
    pc.onconnectionstatechange = () => {
      if (p.pc !== pc) return;
      this.onChange();
      if (pc.connectionState === 'failed') this.retry(p);
    };
    pc.ontrack = (e) => {
      if (p.pc === pc) this.onTrack(p.id, e.track);
    };
    return pc;
  }

  /** Attaches the local tracks to the connection's senders of the same kind (no renegotiation). */
  attachTracks(pc) {
    const tracks = this.localStream ? this.localStream.getTracks() : [];
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver?.track?.kind ?? t.kind;
      const track = tracks.find((x) => x.kind === kind) ?? null;
      if (t.sender && t.sender.track !== track) t.sender.replaceTrack(track).catch((e) => this.log(`replaceTrack: ${e}`));
    }
  }

  retry(p) {
    const now = this.now();
    if (now - p.lastRetry < RETRY_MS) return;
    p.lastRetry = now;
    if (isOfferer(this.me, p.id)) this.call(p.id);
    else this.sendSignal(p.id, { rtc: 'hello' });
  }

  /** Makes (or remakes) the connection to a peer we offer to. */
  async call(id) {
    if (this.closed) return;
    const p = this.entry(id);
    const sid = `${this.session}.${++this.counter}`;
    const pc = this.newPc(p, sid);
    pc.addTransceiver('audio', { direction: 'sendrecv' });
    pc.addTransceiver('video', { direction: 'sendrecv' });
    this.attachTracks(pc);
    this.onChange();
    try {
      const offer = await pc.createOffer();
      if (p.pc !== pc) return;
      await pc.setLocalDescription(offer);
      if (p.pc !== pc) return;
      for (const m of sdpMessages(sid, 'offer', pc.localDescription.sdp)) this.sendSignal(id, m);
    } catch (e) {
      this.log(`offer to ${id} failed: ${e}`);
    }
  }

  async onOffer(id, sid, sdp) {
    if (isOfferer(this.me, id)) return; // we make the offers to this peer; an offer from it is a mistake
    const p = this.entry(id);
    const pc = this.newPc(p, sid);
    this.onChange();
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      if (p.pc !== pc) return;
      p.remoteSet = true;
      for (const t of pc.getTransceivers()) t.direction = 'sendrecv';
      this.attachTracks(pc);
      await this.flushIce(p, pc);
      const answer = await pc.createAnswer();
      if (p.pc !== pc) return;
      await pc.setLocalDescription(answer);
      if (p.pc !== pc) return;
      for (const m of sdpMessages(sid, 'answer', pc.localDescription.sdp)) this.sendSignal(id, m);
    } catch (e) {
      this.log(`answer to ${id} failed: ${e}`);
    }
  }

  async onAnswer(id, sid, sdp) {
    const p = this.peers.get(id);
    if (!p || !p.pc || p.sid !== sid || p.answered === sid) return;
    const pc = p.pc;
    p.answered = sid;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp });
      if (p.pc !== pc) return;
      p.remoteSet = true;
      await this.flushIce(p, pc);
    } catch (e) {
      this.log(`answer from ${id} rejected: ${e}`);
    }
  }

  onIce(id, sig) {
    const p = this.peers.get(id);
    if (!p || !p.pc || p.sid !== sig.sid) return;
    const cand = { candidate: sig.c, sdpMid: sig.mid, sdpMLineIndex: sig.idx };
    if (!p.remoteSet) {
      p.pendingIce.push(cand);
      return;
    }
    p.pc.addIceCandidate(cand).catch((e) => this.log(`candidate from ${id}: ${e}`));
  }

  async flushIce(p, pc) {
    const list = p.pendingIce;
    p.pendingIce = [];
    for (const c of list) {
      if (p.pc !== pc) return;
      try {
        await pc.addIceCandidate(c);
      } catch (e) {
        this.log(`candidate from ${p.id}: ${e}`);
      }
    }
  }
}
