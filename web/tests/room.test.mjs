import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomState, cssColor } from '../js/room.js';
import { backoffDelay, BACKOFF_MAX_MS } from '../js/net.js';

const joined = {
  type: 'joined', room: 'r1', kind: 'arena', you: 'p1', host: 'p2', tick: 20, world: [1000, 800],
  players: { p1: { name: 'Ann', color: [255, 0, 0] }, p2: { name: 'Bob', color: [0, 0, 255] } },
};

test('joined builds the roster, host and world', () => {
  const room = new RoomState(joined);
  assert.equal(room.me.name, 'Ann');
  assert.equal(room.host, 'p2');
  assert.deepEqual(room.world, { width: 1000, height: 800 });
  assert.equal(cssColor(room.players.get('p2').color), 'rgb(0, 0, 255)');
});

test('a kill marks the victim dead and a later snapshot with hp > 0 is a respawn', () => {
  const room = new RoomState(joined);
  room.onAttacked({ id: 'p1', by: 'p2', hp: 10 }, 100);
  assert.equal(room.me.hp, 10);
  assert.ok(room.me.flashUntil > 100);
  room.onKilled({ id: 'p1', by: 'p2' }, 200);
  assert.equal(room.me.dead, true);
  assert.equal(room.players.get('p2').kills, 1);
  assert.deepEqual(room.applySnapshot(new Map([['p1', { hp: 0 }]]), 5, 1000, 300), []);
  assert.deepEqual(room.applySnapshot(new Map([['p1', { hp: 100 }]]), 6, 1050, 2300), ['p1']);
  assert.equal(room.me.dead, false);
  assert.equal(room.lastTick, 6);
});

test('reconnect backoff doubles from 500 ms up to 8 s', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, 0)), [500, 1000, 2000, 4000, 8000, 8000, BACKOFF_MAX_MS]);
  assert.equal(backoffDelay(0, 0.999), 625);
});

test('duplicate names are told apart by a short id suffix, the same on every page', async () => {
  const { labelPlayers } = await import('../js/room.js');
  const room = new RoomState({
    type: 'joined', room: 'r', kind: 'arena', you: 'k3f9aa', host: 'k3f9aa',
    players: { k3f9aa: { name: 'Ada' }, x7q2bb: { name: 'Ada' }, b0b: { name: 'Bob' } },
  });
  assert.deepEqual([...room.players.values()].map((p) => p.label), ['Ada #k3f9', 'Ada #x7q2', 'Bob']);
  room.addPlayer('k3f9zz', 'Ada');
  assert.deepEqual(['k3f9aa', 'x7q2bb', 'k3f9zz'].map((id) => room.nameOf(id)), ['Ada #k3f9a', 'Ada #x7q2b', 'Ada #k3f9z'], 'long enough to differ');
  room.removePlayer('k3f9zz');
  room.removePlayer('x7q2bb');
  assert.equal(room.nameOf('k3f9aa'), 'Ada', 'alone with the name again');
  // Another page lists the same players in another order: same labels.
  const a = labelPlayers([{ id: 'p2', name: 'Walker' }, { id: 'p1', name: 'Walker' }]);
  const b = labelPlayers([{ id: 'p1', name: 'Walker' }, { id: 'p2', name: 'Walker' }]);
  assert.deepEqual(Object.fromEntries(a), Object.fromEntries(b));
  assert.deepEqual(Object.fromEntries(a), { p1: 'Walker #p1', p2: 'Walker #p2' });
  assert.equal(room.max, 8, 'arena capacity without joined.max');
});

test('a remote player whose snapshot stops changing is idle after 2 s; the local player never', async () => {
  const { IDLE_MS } = await import('../js/room.js');
  const room = new RoomState(joined, 0);
  const snap = (x, ack) => new Map([['p1', { x: 1, y: 1, ack: 0, hp: 100 }], ['p2', { x, y: 5, ack, hp: 100 }]]);
  room.applySnapshot(snap(10, 1), 1, 0, 0);
  assert.equal(room.isIdle('p2', 1000), false);
  room.applySnapshot(snap(10, 1), 2, 50, 1500);
  assert.equal(room.isIdle('p2', IDLE_MS + 1), true);
  room.applySnapshot(snap(12, 2), 3, 100, IDLE_MS + 10);
  assert.equal(room.isIdle('p2', IDLE_MS + 20), false, 'moving again');
  assert.equal(room.isIdle('p1', 100000), false);
});
