import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Predictor, normaliseInput, stepPosition, ARENA_RULES, SNAP_DISTANCE } from '../js/prediction.js';

const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-6, `${msg ?? ''} expected ${b}, got ${a}`);

test('arena rules: 200 units/s, one input = one 50 ms tick, diagonal scaled to length 1, clamped to the world', () => {
  assert.deepEqual(ARENA_RULES, { width: 1000, height: 1000, speed: 200, tickHz: 20 });
  assert.deepEqual(stepPosition({ x: 500, y: 500 }, [1, 0], ARENA_RULES), { x: 510, y: 500 });
  const d = stepPosition({ x: 500, y: 500 }, [1, 1], ARENA_RULES);
  close(Math.hypot(d.x - 500, d.y - 500), 10, 'diagonal step length');
  assert.deepEqual(stepPosition({ x: 995, y: 3 }, [1, -1], ARENA_RULES).x, 1000);
  assert.deepEqual(stepPosition({ x: 995, y: 3 }, [0, -1], ARENA_RULES).y, 0);
  assert.deepEqual(normaliseInput(0.5, 0), [0.5, 0], 'short vectors are kept (analog)');
  assert.deepEqual(normaliseInput(5, NaN), [1, 0]);
});

test('inputs are predicted locally with increasing seq', () => {
  const p = new Predictor();
  p.reconcile(100, 100, 0);
  assert.equal(p.applyInput([1, 0]), 1);
  assert.equal(p.applyInput([1, 0]), 2);
  assert.equal(p.applyInput([0, 1]), 3);
  assert.deepEqual(p.position, { x: 120, y: 110 });
  assert.equal(p.pending.length, 3);
});

test('reconciliation: server position plus the inputs with seq > ack', () => {
  const p = new Predictor();
  p.reconcile(100, 100, 0);
  for (let i = 0; i < 5; i++) p.applyInput([1, 0]); // seq 1..5, predicted x = 150
  // The server applied seq 1 and 2, but something pushed us: it says x = 125 (not 120), y = 104.
  p.reconcile(125, 104, 2);
  assert.deepEqual(p.pending.map((i) => i.seq), [3, 4, 5]);
  assert.deepEqual(p.position, { x: 155, y: 104 }, '125 + three replayed ticks of 10');
  // Everything acknowledged and the prediction was right: no correction.
  p.reconcile(155, 104, 5);
  assert.equal(p.pending.length, 0);
  assert.equal(p.lastCorrection, 0);
});

test('small corrections are smoothed, large ones (respawn) snap', () => {
  const p = new Predictor();
  p.reconcile(500, 500, 0);
  p.applyInput([1, 0]); // predicted 510
  p.reconcile(506, 500, 1); // server disagrees by 4
  assert.deepEqual(p.position, { x: 506, y: 500 });
  // What is drawn has not jumped; it converges over time.
  close(p.displayPosition(1000).x, 510, 'display right after the correction');
  p.decay(100);
  const mid = p.displayPosition(1000).x;
  assert.ok(mid < 510 && mid > 506, `display moving toward 506, got ${mid}`);
  p.decay(2000);
  close(p.displayPosition(1000).x, 506, 'display after the correction decayed');

  p.reconcile(506 + SNAP_DISTANCE + 50, 900, 1);
  assert.deepEqual(p.displayPosition(1000), { x: 506 + SNAP_DISTANCE + 50, y: 900 });
});

test('display blends across one tick so movement is continuous', () => {
  const p = new Predictor();
  p.reconcile(0, 0, 0);
  p.applyInput([1, 0]);
  close(p.displayPosition(0).x, 0);
  close(p.displayPosition(25).x, 5);
  close(p.displayPosition(50).x, 10);
});

test('while dead nothing moves; a resumed session continues above the server ack', () => {
  const p = new Predictor();
  p.reconcile(10, 10, 0, { alive: false });
  p.applyInput([1, 0], { alive: false });
  assert.deepEqual(p.position, { x: 10, y: 10 });
  assert.equal(p.pending.length, 0);
  p.reconcile(10, 10, 40);
  assert.equal(p.applyInput([1, 0]), 41);
});
