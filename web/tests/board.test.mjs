import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  splitStroke, drawMessages, isValidDraw, parseStroke, StrokeBuilder, BoardHistory, boardPoint, clampWidth, hexToRgb,
  MAX_POINTS,
} from '../js/board-model.js';
import { TokenBucket, PacedQueue } from '../js/ratelimit.js';

const line = (n) => Array.from({ length: n }, (_, i) => [i, i / 2]);

test('strokes split into ≤ 256-point pieces that share their joining point', () => {
  assert.deepEqual(splitStroke([]), []);
  assert.deepEqual(splitStroke([[5, 5]]), [[[5, 5], [5, 5]]], 'a tap is a dot: the point twice');
  assert.equal(splitStroke(line(256)).length, 1);
  const pieces = splitStroke(line(600));
  assert.equal(pieces.length, 3);
  assert.ok(pieces.every((p) => p.length >= 2 && p.length <= MAX_POINTS));
  for (let i = 1; i < pieces.length; i++) assert.deepEqual(pieces[i][0], pieces[i - 1].at(-1), 'continuous');
  assert.equal(pieces.reduce((n, p) => n + p.length, 0) - (pieces.length - 1), 600, 'no point lost or repeated except the joins');
  assert.deepEqual(splitStroke(line(257)).map((p) => p.length), [256, 2]);
});

test('draw messages stay inside the protocol limits', () => {
  const msgs = drawMessages([[-5, 2000], [10.04, 20.06], [NaN, 3]], [300, -1, 12.6], 99);
  assert.equal(msgs.length, 1);
  assert.deepEqual(msgs[0], { type: 'draw', points: [[0, 1000], [10, 20.1], [0, 3]], color: [255, 0, 13], width: 40 });
  assert.ok(isValidDraw(msgs[0]));
  assert.ok(drawMessages(line(1000), [0, 0, 0], 0).every(isValidDraw));
  assert.equal(isValidDraw({ type: 'draw', points: [[1, 1]], color: [0, 0, 0], width: 3 }), false, 'one point');
  assert.equal(isValidDraw({ type: 'draw', points: line(257), color: [0, 0, 0], width: 3 }), false, 'too many points');
  assert.equal(isValidDraw({ type: 'draw', points: [[1, 1], [2, 2]], color: [0, 0, 0], width: 41 }), false, 'too wide');
  assert.equal(clampWidth('7'), 7);
  assert.deepEqual(boardPoint(1000.04, -0.01), [1000, 0]);
  assert.deepEqual(hexToRgb('#0ea5e9'), [14, 165, 233]);
});

test('stroke builder hands out pieces while drawing and the rest on release', () => {
  const b = new StrokeBuilder();
  b.begin(0, 0);
  assert.deepEqual(b.take(false), [], 'one point: nothing yet');
  b.add(0.5, 0); // closer than minGap: skipped
  b.add(10, 0);
  b.add(20, 0);
  assert.deepEqual(b.take(false), [[[0, 0], [10, 0], [20, 0]]]);
  b.add(30, 0);
  assert.deepEqual(b.take(true), [[[20, 0], [30, 0]]], 'starts where the last piece ended');
  assert.equal(b.active, false);

  b.begin(7, 7);
  assert.deepEqual(b.take(true), [[[7, 7], [7, 7]]], 'a tap');
  b.begin(1, 1);
  b.add(5, 5);
  b.take(false);
  assert.deepEqual(b.take(true), [], 'nothing new after the last piece');
});

test('board history: joined.strokes, then draws by id (repeats ignored), clear', () => {
  const h = new BoardHistory(3);
  h.load([
    { id: 1, from: 'a', points: [[0, 0], [1, 1]], color: [1, 2, 3], width: 2 },
    { id: 2, from: 'b', points: 'junk' },
  ]);
  assert.equal(h.size, 1);
  assert.ok(h.add({ id: 3, from: 'a', points: [[0, 0], [5, 5]], color: [0, 0, 0], width: 5 }));
  assert.equal(h.add({ id: 3, from: 'a', points: [[0, 0], [5, 5]], color: [0, 0, 0], width: 5 }), null);
  h.add({ id: 4, points: [[0, 0], [1, 1]] });
  h.add({ id: 5, points: [[0, 0], [1, 1]] });
  assert.deepEqual(h.strokes.map((s) => s.id), [3, 4, 5], 'oldest dropped beyond the limit');
  assert.deepEqual(parseStroke({ id: 9, from: 7, points: [[1, 2], [3, 4]], color: [1, 2, 3], width: 2 }).from, '7');
  h.clear();
  assert.equal(h.size, 0);
});

test('paced queue: order kept, never faster than the bucket (20/s under the 30/s draw limit)', () => {
  const q = new PacedQueue(new TokenBucket(20, 5));
  for (let i = 0; i < 40; i++) q.push(i);
  const sent = [];
  for (let t = 0; t <= 1000; t += 10) sent.push(...q.pump(t));
  assert.deepEqual(sent, Array.from({ length: sent.length }, (_, i) => i), 'in order');
  assert.ok(sent.length <= 5 + 20 && sent.length >= 24, `sent ${sent.length} in 1 s`);
  // In any window of 1 s no more than burst + rate.
  assert.ok(new TokenBucket(30, 30).wait(0) === 0);
  const b = new TokenBucket(10, 1);
  assert.equal(b.take(0), true);
  assert.equal(b.take(0), false);
  assert.equal(b.wait(0), 100);
  assert.equal(b.take(100), true);
});
