import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RelayMesh, isOfferer, splitForJson, sdpMessages, SdpAssembler, parseSignal, jsonBytes, RELAY_DATA_LIMIT, RETRY_MS,
} from '../js/relay-signal.js';

// ------------------------------------------------------------ a fake WebRTC: two FakePCs connect once both
// have a local and a remote description and each has received a candidate; the data channel then carries
// messages. The fake throws like a browser when a candidate comes before the remote description.

let nextPc = 0;
const registry = new Map();

class FakeChannel {
  constructor(pc) { this.pc = pc; this.readyState = 'connecting'; this.onopen = null; this.onclose = null; this.onmessage = null; this.sent = []; }
  send(data) {
    if (this.readyState !== 'open') throw new Error('channel not open');
    this.sent.push(data);
    const other = this.pc.remote?.channel;
    setTimeout(() => other?.onmessage?.({ data }), 0);
  }
  close() { if (this.readyState !== 'closed') { this.readyState = 'closed'; this.onclose?.(); } }
}

class FakeTransceiver {
  constructor(kind, direction) {
    this.direction = direction;
    this.receiver = { track: { kind } };
    this.replaced = [];
    this.sender = { track: null, replaceTrack: async (t) => { this.sender.track = t; this.replaced.push(t); } };
  }
}

class FakePC {
  constructor() {
    this.n = ++nextPc;
    registry.set(this.n, this);
    this.transceivers = [];
    this.connectionState = 'new';
    this.localDescription = null;
    this.remoteDescription = null;
    this.candidates = [];
    this.channel = null;
    this.closed = false;
    this.onicecandidate = null;
    this.onconnectionstatechange = null;
    this.ontrack = null;
  }
  createDataChannel(label, opts) {
    assert.equal(label, 'chat');
    assert.deepEqual(opts, { negotiated: true, id: 0 });
    this.channel = new FakeChannel(this);
    return this.channel;
  }
  addTransceiver(kind, { direction }) { this.transceivers.push(new FakeTransceiver(kind, direction)); }
  getTransceivers() { return this.transceivers; }
  async createOffer() {
    const kinds = this.transceivers.map((t) => t.receiver.track.kind).join(',');
    return { type: 'offer', sdp: `v=0\r\no=fake pc=${this.n} kinds=${kinds}\r\n${'a=candidate-ish "quoted" line\r\n'.repeat(160)}` };
  }
  async createAnswer() { return { type: 'answer', sdp: `v=0\r\no=fake pc=${this.n}\r\n${'a=answer\r\n'.repeat(300)}` }; }
  async setLocalDescription(d) {
    this.localDescription = d;
    setTimeout(() => {
      if (this.closed) return;
      this.onicecandidate?.({ candidate: { candidate: `candidate:${this.n} 1 udp 2113937151 192.0.2.${this.n} 5000 typ host`, sdpMid: '0', sdpMLineIndex: 0 } });
      this.onicecandidate?.({ candidate: null });
    }, 1);
  }
  async setRemoteDescription(d) {
    if (d.type === 'answer' && !this.localDescription) throw new Error('answer without an offer');
    this.remoteDescription = d;
    this.remote = registry.get(Number(/pc=(\d+)/.exec(d.sdp)[1]));
    if (d.type === 'offer') {
      for (const kind of /kinds=([\w,]*)/.exec(d.sdp)[1].split(',').filter(Boolean)) this.transceivers.push(new FakeTransceiver(kind, 'recvonly'));
    }
  }
  async addIceCandidate(c) {
    if (!this.remoteDescription) throw new Error('candidate before the remote description');
    this.candidates.push(c);
    this.tryConnect();
  }
  tryConnect() {
    const o = this.remote;
    if (!o || o.remote !== this || this.closed || o.closed) return;
    if (!this.candidates.length || !o.candidates.length) return;
    for (const pc of [this, o]) {
      if (pc.connectionState === 'connected') continue;
      pc.connectionState = 'connected';
      pc.onconnectionstatechange?.();
      pc.channel.readyState = 'open';
      pc.channel.onopen?.();
    }
  }
  close() { this.closed = true; this.connectionState = 'closed'; this.channel?.close(); }
  fail() { this.connectionState = 'failed'; this.channel.readyState = 'closed'; this.onconnectionstatechange?.(); }
}

/** Peers on one relay "server": data goes through JSON like on the wire, in order, and must fit in 2 KiB. */
function network() {
  const meshes = new Map();
  const wire = [];
  const errors = [];
  const make = (id, extra = {}) => {
    const inbox = [];
    const mesh = new RelayMesh({
      me: id,
      createPeerConnection: () => new FakePC(),
      send: (to, data) => {
        const text = JSON.stringify(data);
        assert.ok(jsonBytes(data) <= RELAY_DATA_LIMIT, `relay data of ${jsonBytes(data)} bytes`);
        wire.push({ from: id, to, data: JSON.parse(text) });
        setTimeout(() => meshes.get(to)?.receive(id, JSON.parse(text)), 0);
      },
      onMessage: (from, text) => inbox.push({ from, text }),
      log: (m) => errors.push(`${id}: ${m}`),
      ...extra,
    });
    mesh.inbox = inbox;
    meshes.set(id, mesh);
    return mesh;
  };
  return { make, wire, errors, meshes };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until nothing has been signalled for a while (the fake network is quiet), at most 3 s. */
async function settle(net) {
  let stable = 0;
  let n = -1;
  for (let i = 0; i < 300 && stable < 3; i++) {
    await sleep(10);
    stable = net.wire.length === n ? stable + 1 : 0;
    n = net.wire.length;
  }
}

test('the smaller id offers: a → b, b only says hello', () => {
  assert.equal(isOfferer('a', 'b'), true);
  assert.equal(isOfferer('b', 'a'), false);
  assert.equal(isOfferer('p10', 'p9'), true, 'plain code-unit order, the same on both pages');
});

test('session descriptions are sent in parts under 2 KiB and put back together', () => {
  const sdp = `v=0\r\n${'a=fingerprint:sha-256 "AB:CD" é\r\n'.repeat(200)}`;
  const msgs = sdpMessages('s.1', 'offer', sdp);
  assert.ok(msgs.length > 3);
  for (const m of msgs) assert.ok(jsonBytes(m) <= RELAY_DATA_LIMIT, `${jsonBytes(m)} bytes`);
  const asm = new SdpAssembler();
  let whole = null;
  for (const m of msgs) whole = asm.add('x', parseSignal(JSON.parse(JSON.stringify(m)))) ?? whole;
  assert.deepEqual(whole, { sid: 's.1', type: 'offer', sdp });
  assert.equal(asm.add('x', { ...msgs[1] }), null, 'a part without its beginning is dropped');
  assert.deepEqual(splitForJson('\u0001'.repeat(1000), 600).map((p) => jsonBytes(p) <= 600), Array(splitForJson('\u0001'.repeat(1000), 600).length).fill(true));
  assert.deepEqual(splitForJson('😀'.repeat(10), 12).join(''), '😀'.repeat(10), 'surrogate pairs are never cut');
});

test('signals are checked; other data is not a signal', () => {
  assert.equal(parseSignal({ text: 'hi' }), null);
  assert.equal(parseSignal('hello'), null);
  assert.equal(parseSignal({ rtc: 'sdp', sid: 's', type: 'pranswer', i: 0, n: 1, part: '' }), null);
  assert.equal(parseSignal({ rtc: 'sdp', sid: 's', type: 'offer', i: 2, n: 2, part: '' }), null);
  assert.deepEqual(parseSignal({ rtc: 'ice', sid: 's', c: 'candidate:1', mid: '0', idx: 0, extra: 1 }), { rtc: 'ice', sid: 's', c: 'candidate:1', mid: '0', idx: 0 });
  assert.deepEqual(parseSignal({ rtc: 'hello', x: 1 }), { rtc: 'hello' });
});

test('two peers connect without glare and chat over the data channel', async () => {
  const net = network();
  const a = net.make('a');
  a.start(['a']);
  assert.equal(a.state, 'waiting');
  const b = net.make('b');
  b.start(['a', 'b']); // b joins: it answers to a, so it says hello
  a.setPeers(['a', 'b']); // a's player_joined
  await settle(net);
  assert.equal(a.state, 'connected');
  assert.equal(b.state, 'connected');
  const offers = net.wire.filter((w) => w.data.rtc === 'sdp' && w.data.type === 'offer');
  assert.ok(offers.length > 1 && offers.every((w) => w.from === 'a'), 'only a offers, in several parts');
  assert.ok(net.wire.some((w) => w.from === 'b' && w.data.rtc === 'hello'));
  assert.ok(net.wire.filter((w) => w.data.rtc === 'sdp' && w.data.type === 'answer').every((w) => w.from === 'b'));
  assert.deepEqual(net.errors, [], 'no candidate before its description, no failed step');

  assert.equal(a.sendText('hello b'), 1);
  assert.equal(b.sendText('hello a'), 1);
  await sleep(20);
  assert.deepEqual(b.inbox, [{ from: 'a', text: 'hello b' }]);
  assert.deepEqual(a.inbox, [{ from: 'b', text: 'hello a' }]);
  assert.deepEqual(a.summary(), [{ id: 'b', role: 'offerer', connection: 'connected', channel: 'open' }]);
});

test('media negotiated up front: the camera is attached later without a new offer', async () => {
  const net = network();
  const a = net.make('a');
  const b = net.make('b');
  b.start(['a', 'b']);
  a.setPeers(['a', 'b']);
  await settle(net);
  const offersBefore = net.wire.filter((w) => w.data.type === 'offer').length;
  const video = { kind: 'video' };
  const audio = { kind: 'audio' };
  b.setLocalStream({ getTracks: () => [audio, video] });
  await sleep(20);
  const pcB = b.peers.get('a').pc;
  assert.deepEqual(pcB.getTransceivers().map((t) => [t.receiver.track.kind, t.direction, t.sender.track?.kind]), [['audio', 'sendrecv', 'audio'], ['video', 'sendrecv', 'video']]);
  assert.equal(net.wire.filter((w) => w.data.type === 'offer').length, offersBefore, 'no renegotiation');
  const pcA = a.peers.get('b').pc;
  assert.deepEqual(pcA.getTransceivers().map((t) => t.direction), ['sendrecv', 'sendrecv']);
});

test('three peers: a full mesh, each pair offered by its smaller id', async () => {
  const net = network();
  const a = net.make('a');
  const c = net.make('c');
  a.start(['a']);
  c.start(['a', 'c']);
  a.setPeers(['a', 'c']);
  await settle(net);
  const b = net.make('b');
  b.start(['a', 'c', 'b']);
  a.setPeers(['a', 'b', 'c']);
  c.setPeers(['a', 'b', 'c']);
  await settle(net);
  for (const m of [a, b, c]) assert.equal(m.state, 'connected', `${m.me}: ${JSON.stringify(m.summary())}`);
  const offerPairs = new Set(net.wire.filter((w) => w.data.type === 'offer').map((w) => `${w.from}>${w.to}`));
  assert.deepEqual([...offerPairs].sort(), ['a>b', 'a>c', 'b>c']);
  assert.equal(b.sendText('to all'), 2);
});

test('a peer that leaves is hung up; one that reloads (same id, new page) is called again', async () => {
  const net = network();
  const a = net.make('a');
  const b = net.make('b');
  b.start(['a', 'b']);
  a.setPeers(['a', 'b']);
  await settle(net);
  const firstPc = a.peers.get('b').pc;

  // b reloads: the server kept its seat (no player_left), the new page says hello again.
  b.close();
  const b2 = net.make('b', { session: 'reload' });
  b2.start(['a', 'b']);
  await settle(net);
  assert.equal(firstPc.closed, true);
  assert.equal(a.state, 'connected');
  assert.equal(b2.state, 'connected');
  assert.equal(a.sendText('welcome back'), 1);
  await sleep(20);
  assert.deepEqual(b2.inbox.map((m) => m.text), ['welcome back']);

  a.setPeers(['a']); // player_left b
  assert.equal(a.state, 'waiting');
  assert.equal(a.peers.size, 0);
});

test('a failed connection is retried (the offerer calls again, at most every few seconds)', async () => {
  const net = network();
  let now = 0;
  const a = net.make('a', { now: () => now });
  const b = net.make('b', { now: () => now });
  b.start(['a', 'b']);
  a.setPeers(['a', 'b']);
  await settle(net);
  const offersBefore = new Set(net.wire.filter((w) => w.data.type === 'offer').map((w) => w.data.sid)).size;
  now = RETRY_MS * 2;
  a.peers.get('b').pc.fail();
  assert.equal(a.state, 'connecting');
  await settle(net);
  assert.equal(new Set(net.wire.filter((w) => w.data.type === 'offer').map((w) => w.data.sid)).size, offersBefore + 1);
  assert.equal(a.state, 'connected');
  assert.equal(b.state, 'connected');

  // A failure on the answering side asks the offerer for a new offer with hello.
  now = RETRY_MS * 4;
  const hellos = net.wire.filter((w) => w.data.rtc === 'hello').length;
  b.peers.get('a').pc.fail();
  await settle(net);
  assert.equal(net.wire.filter((w) => w.data.rtc === 'hello').length, hellos + 1);
  assert.equal(b.state, 'connected');
});

test('candidates of an old negotiation are dropped; an offer to the offerer is ignored', async () => {
  const net = network();
  const a = net.make('a');
  const b = net.make('b');
  b.start(['a', 'b']);
  a.setPeers(['a', 'b']);
  await settle(net);
  const pc = b.peers.get('a').pc;
  const n = pc.candidates.length;
  b.receive('a', { rtc: 'ice', sid: 'old.1', c: 'candidate:stale', mid: '0', idx: 0 });
  assert.equal(pc.candidates.length, n);
  const before = a.peers.get('b').pc;
  a.receive('b', { rtc: 'sdp', sid: 'x.1', type: 'offer', i: 0, n: 1, part: 'v=0 pc=1 kinds=' });
  await sleep(20);
  assert.equal(a.peers.get('b').pc, before, 'a makes the offers to b');
  assert.equal(a.receive('b', { text: 'app data' }), false, 'not a signal');
});
