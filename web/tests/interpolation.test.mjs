import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotBuffer, parsePlayers, INTERPOLATION_DELAY_MS, TELEPORT_DISTANCE } from '../js/interpolation.js';

const snap = (time, player) => ({ time, tick: time / 50, players: parsePlayers(player) });

test('parses map.player arrays [x, y, vx, vy, hp, ack]', () => {
  const p = parsePlayers({ a: [1, 2, 3, 4, 90, 7], bad: 'x' });
  assert.deepEqual(p.get('a'), { x: 1, y: 2, vx: 3, vy: 4, hp: 90, ack: 7 });
  assert.equal(p.has('bad'), false);
});

test('renders 100 ms in the past, between the two snapshots around that instant', () => {
  assert.equal(INTERPOLATION_DELAY_MS, 100);
  const buf = new SnapshotBuffer();
  // 20 Hz snapshots; the player moves +10 x per tick (200 units/s).
  buf.push(snap(1000, { b: [100, 500, 200, 0, 100, 0] }));
  buf.push(snap(1050, { b: [110, 500, 200, 0, 100, 0] }));
  buf.push(snap(1100, { b: [120, 500, 200, 0, 100, 0] }));
  buf.push(snap(1150, { b: [130, 500, 200, 0, 100, 0] }));
  const serverNow = 1170;
  const s = buf.sample(serverNow - INTERPOLATION_DELAY_MS); // 1070: 40 % of the way from 1050 to 1100
  assert.equal(s.from, 1050);
  assert.equal(s.to, 1100);
  assert.ok(Math.abs(s.alpha - 0.4) < 1e-9);
  assert.ok(Math.abs(s.players.get('b').x - 114) < 1e-9);
  assert.equal(s.players.get('b').y, 500);
});

test('out-of-order snapshots are sorted by server time', () => {
  const buf = new SnapshotBuffer();
  buf.push(snap(1100, { b: [20, 0, 0, 0, 100, 0] }));
  buf.push(snap(1000, { b: [0, 0, 0, 0, 100, 0] }));
  buf.push(snap(1050, { b: [10, 0, 0, 0, 100, 0] }));
  assert.deepEqual(buf.snapshots.map((s) => s.time), [1000, 1050, 1100]);
  assert.equal(buf.sample(1075).players.get('b').x, 15);
});

test('before the oldest snapshot holds it; after the newest extrapolates at most 100 ms', () => {
  const buf = new SnapshotBuffer();
  buf.push(snap(1000, { b: [100, 100, 200, 0, 100, 0] }));
  buf.push(snap(1050, { b: [110, 100, 200, 0, 100, 0] }));
  assert.equal(buf.sample(900).players.get('b').x, 100);
  assert.equal(buf.sample(1075).players.get('b').x, 115); // 25 ms at 200 u/s
  assert.equal(buf.sample(5000).players.get('b').x, 130); // capped at 100 ms
});

test('a respawn teleport is not smeared across the map', () => {
  const buf = new SnapshotBuffer();
  buf.push(snap(1000, { b: [100, 100, 0, 0, 0, 0] }));
  buf.push(snap(1050, { b: [100 + TELEPORT_DISTANCE + 300, 800, 0, 0, 100, 0] }));
  const mid = buf.sample(1025).players.get('b');
  assert.deepEqual([mid.x, mid.y], [100, 100]);
});

test('players appearing in the newer snapshot are shown there; capacity bounds the buffer', () => {
  const buf = new SnapshotBuffer({ capacity: 3 });
  buf.push(snap(1000, { a: [0, 0, 0, 0, 100, 0] }));
  buf.push(snap(1050, { a: [0, 0, 0, 0, 100, 0], c: [50, 60, 0, 0, 100, 0] }));
  assert.deepEqual([buf.sample(1010).players.get('c').x, buf.sample(1010).players.get('c').y], [50, 60]);
  buf.push(snap(1100, {}));
  buf.push(snap(1150, {}));
  assert.equal(buf.size, 3);
  assert.equal(buf.snapshots[0].time, 1050);
  assert.equal(new SnapshotBuffer().sample(1000), null);
});

test('extrapolation never leaves the world (a player pushing against a wall)', () => {
  const buf = new SnapshotBuffer();
  buf.push(snap(1000, { w: [0, 1000, -200, 200, 100, 0] }));
  const p = buf.sample(1100, { width: 1000, height: 1000 }).players.get('w');
  assert.deepEqual([p.x, p.y], [0, 1000]);
});
