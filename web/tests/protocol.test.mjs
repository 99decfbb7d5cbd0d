import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  naturalCompare, parseRooms, parseJoined, buildJoin, clampMax, maxAdjustable, capacityOf, roomIdProblem,
  ROOM_ID, chatScope, buildChat, joinErrorText, isWaiting, KIND_NAMES, KINDS,
} from '../js/protocol.js';
import { RoomsFeed, POLL_MS } from '../js/lobby.js';

test('natural order: digit runs as numbers, r2 before r10, case-insensitive, total', () => {
  const ids = ['r10', 'r2', 'R3', 'r1', 'a', 'r02', 'r', 'lobby-10', 'lobby-9', 'b_1', '10', '9'];
  assert.deepEqual([...ids].sort(naturalCompare), ['9', '10', 'a', 'b_1', 'lobby-9', 'lobby-10', 'r', 'r1', 'r2', 'r02', 'R3', 'r10']);
  assert.equal(naturalCompare('x', 'x'), 0);
  assert.ok(naturalCompare('A', 'a') !== 0, 'different ids never compare equal');
  assert.ok(naturalCompare('r99999999999999999999', 'r100000000000000000000') < 0, 'long digit runs do not overflow');
});

test('rooms: entries cleaned and sorted naturally; missing fields get defaults', () => {
  const rooms = parseRooms({
    type: 'rooms',
    rooms: [
      { id: 'r10', kind: 'pong', players: 1, max: 2, locked: false },
      { id: 'r2', kind: 'board', players: 3, max: 16, locked: true },
      { id: 'r1', players: 2 },
      { id: '' }, null, { kind: 'arena' },
    ],
  });
  assert.deepEqual(rooms.map((r) => r.id), ['r1', 'r2', 'r10']);
  assert.deepEqual(rooms[0], { id: 'r1', kind: 'arena', players: 2, max: null, locked: false });
  assert.equal(rooms[1].locked, true);
  assert.deepEqual(parseRooms({}), []);
});

test('kinds: capacity ranges and defaults; join carries max only where the creator chooses it', () => {
  assert.deepEqual(KIND_NAMES, ['arena', 'relay', 'pong', 'board']);
  assert.deepEqual([KINDS.relay.min, KINDS.relay.max, KINDS.relay.default], [2, 16, 2]);
  assert.deepEqual([KINDS.board.min, KINDS.board.max, KINDS.board.default], [2, 32, 16]);
  assert.equal(maxAdjustable('arena'), false);
  assert.equal(maxAdjustable('pong'), false);
  assert.equal(maxAdjustable('relay'), true);
  assert.equal(clampMax('relay', 40), 16);
  assert.equal(clampMax('relay', 1), 2);
  assert.equal(clampMax('board', '7.4'), 7);
  assert.equal(clampMax('board', 'lots'), 16);
  assert.equal(clampMax('board', ''), 16);
  assert.equal(clampMax('nope', 3), null);

  assert.deepEqual(buildJoin({ room: 'a', kind: 'arena', max: 5 }), { type: 'join', room: 'a', kind: 'arena' });
  assert.deepEqual(buildJoin({ room: 'a', kind: 'pong', max: 5 }), { type: 'join', room: 'a', kind: 'pong' });
  assert.deepEqual(buildJoin({ room: 'a', kind: 'relay', max: '4' }), { type: 'join', room: 'a', kind: 'relay', max: 4 });
  assert.deepEqual(buildJoin({ room: 'a', kind: 'board', password: 'pw' }), { type: 'join', room: 'a', kind: 'board', max: 16, password: 'pw' });
  assert.deepEqual(buildJoin({ room: 'a' }), { type: 'join', room: 'a', kind: 'arena' }, 'what today\'s arena client sends');
});

test('room ids: the rule in words for each way to break it', () => {
  assert.equal(roomIdProblem('lobby-1_A'), '');
  assert.match(roomIdProblem(''), /1–32/);
  assert.match(roomIdProblem('x'.repeat(33)), /at most 32.*33/);
  assert.match(roomIdProblem('my room!'), /not space, “!”/);
  assert.ok(ROOM_ID.test('a'.repeat(32)) && !ROOM_ID.test('é'));
});

test('joined: v1 message gets fixed capacities, v1.1 fields are read, players keep their order', () => {
  const v1 = parseJoined({
    type: 'joined', room: 'r1', kind: 'arena', you: 'p2', host: 'p1', tick: 20, world: [1000, 1000],
    players: { p1: { name: 'Ann', color: [1, 2, 3] }, p2: { name: 'Bob', color: [4, 5, 6] } },
  });
  assert.equal(v1.max, 8);
  assert.equal(v1.tick, 20);
  assert.deepEqual(v1.world, [1000, 1000]);
  assert.deepEqual(v1.players.map((p) => p.id), ['p1', 'p2']);
  assert.equal(v1.waiting, null);

  const relay = parseJoined({ type: 'joined', room: 'call', kind: 'relay', you: 'a', host: 'a', max: 4, waiting: true, players: { a: { name: 'A' } } });
  assert.equal(relay.max, 4);
  assert.equal(relay.tick, null, 'relay rooms do not tick');
  assert.equal(relay.world, null);
  assert.equal(relay.waiting, true);

  const board = parseJoined({ type: 'joined', room: 'b', kind: 'board', you: 'a', host: 'a', max: 16, players: {}, strokes: [{ id: 1 }] });
  assert.equal(board.strokes.length, 1);
  assert.equal(parseJoined({ kind: 'pong', room: 'p' }).max, 2);
  assert.equal(capacityOf('board', undefined), null, 'board capacity is the creator\'s: unknown without max');
});

test('waiting: the server flag wins; without it, fewer players than max', () => {
  assert.equal(isWaiting(true, 5, 5), true);
  assert.equal(isWaiting(false, 1, 5), false);
  assert.equal(isWaiting(null, 1, 2), true);
  assert.equal(isWaiting(undefined, 2, 2), false);
  assert.equal(isWaiting(null, 1, null), false);
});

test('chat scopes: room line, whisper received, echo of a whisper sent', () => {
  assert.deepEqual(chatScope({ from: 'a', text: 'hi' }, 'me'), { scope: 'room', peer: null });
  assert.deepEqual(chatScope({ from: 'a', to: 'me', text: 'psst' }, 'me'), { scope: 'whisper-in', peer: 'a' });
  assert.deepEqual(chatScope({ from: 'me', to: 'b', text: 'psst' }, 'me'), { scope: 'whisper-out', peer: 'b' });
  assert.deepEqual(buildChat('  hello ', 'b'), { type: 'chat', text: 'hello', to: 'b' });
  assert.deepEqual(buildChat('x'.repeat(300)), { type: 'chat', text: 'x'.repeat(200) });
});

test('join errors: a wrong or missing password is said once, plainly', () => {
  assert.equal(joinErrorText('wrong_password', { room: 'r', kind: 'arena', password: '' }), '“r” is locked: a password is needed.');
  assert.equal(joinErrorText('wrong_password', { room: 'r', kind: 'arena', password: 'x' }), 'Wrong password for “r”.');
  assert.match(joinErrorText('wrong_kind', { room: 'r', kind: 'arena' }, [{ id: 'r', kind: 'pong' }]), /is a pong room.*pick pong/);
  assert.equal(joinErrorText('bad_request', { room: 'r', kind: 'arena' }, [], 'max out of range'), 'max out of range');
  assert.match(joinErrorText('rate_limited', { room: 'r', kind: 'arena' }), /wait a minute/);
});

test('live lobby: watch on entering, off on joining; polled until the server shows that it pushes', () => {
  const f = new RoomsFeed();
  assert.deepEqual(f.start(0), { type: 'rooms', watch: true });
  assert.equal(f.poll(1000), null, 'not yet due');
  assert.equal(f.received(), true, 'the answer');
  assert.equal(f.live, false);
  assert.deepEqual(f.poll(POLL_MS), { type: 'rooms', watch: true }, 'a v1 server needs polling');
  f.received();
  assert.equal(f.live, false);
  f.received(); // nobody asked: the server pushes
  assert.equal(f.live, true);
  assert.equal(f.poll(POLL_MS * 10), null, 'no polling once live');
  assert.deepEqual(f.stop(), { type: 'rooms', watch: false });
  assert.equal(f.stop(), null, 'once');
  assert.equal(f.received(), false, 'not shown after leaving the lobby');
  f.reset();
  assert.equal(f.live, false);
});
