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
