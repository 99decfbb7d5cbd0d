import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PONG, paddleStep, pongRules, parsePongMap, followInput, pongBanner, BALL_ID } from '../js/pong-model.js';
import { Predictor } from '../js/prediction.js';
import { SnapshotBuffer } from '../js/interpolation.js';
import { stickVector, knobOffset } from '../js/touch.js';

test('paddle: 300 units/s × input[1] at 30 Hz, input[0] ignored, kept inside the world', () => {
  const rules = pongRules({ tick: 30, world: [800, 500] });
  assert.deepEqual(paddleStep({ x: 20, y: 250 }, [1, 1], rules), { x: 20, y: 260 });
  assert.deepEqual(paddleStep({ x: 780, y: 250 }, [0, -0.5], rules), { x: 780, y: 245 });
  assert.deepEqual(paddleStep({ x: 20, y: 45 }, [0, -1], rules), { x: 20, y: PONG.paddleHeight / 2 });
  assert.deepEqual(paddleStep({ x: 20, y: 455 }, [0, 1], rules), { x: 20, y: 500 - PONG.paddleHeight / 2 });
});

test('the arena predictor with the paddle step: prediction and reconciliation with ack', () => {
  const p = new Predictor(pongRules({ tick: 30, world: [800, 500] }));
  p.reconcile(20, 250, 0);
  p.applyInput([0, 1]);
  p.applyInput([0, 1]);
  p.applyInput([0, 1]);
  assert.deepEqual(p.position, { x: 20, y: 280 });
  p.reconcile(20, 262, 2); // the server applied two inputs and saw a little less
  assert.deepEqual(p.position, { x: 20, y: 272 }, '262 + the third input replayed');
  assert.deepEqual(p.pending.map((i) => i.seq), [3]);
});

test('pong map: state, ball and paddles with scores; the ball interpolates with the paddles', () => {
  const m = parsePongMap({
    type: 'map', time: 1000, tick: 30, state: 'playing', ball: [400, 250, 300, 0],
    player: { a: [20, 250, 0, 0, 3, 7], b: [780, 200, 0, -300, 5, 2] },
  });
  assert.equal(m.state, 'playing');
  assert.deepEqual(m.scores, { a: 3, b: 5 });
  assert.equal(m.players.get('a').ack, 7);
  assert.deepEqual(m.ball, { x: 400, y: 250, vx: 300, vy: 0, hp: 1 });
  const buf = new SnapshotBuffer();
  buf.push({ time: 1000, players: m.entries });
  buf.push({ time: 1100, players: parsePongMap({ time: 1100, state: 'playing', ball: [430, 250, 300, 0], player: {} }).entries });
  assert.equal(buf.sample(1050).players.get(BALL_ID).x, 415);
  buf.push({ time: 1200, players: parsePongMap({ time: 1200, state: 'playing', ball: [795, 250, 300, 0], player: {} }).entries });
  const serve = parsePongMap({ time: 1300, state: 'playing', ball: [400, 250, -300, 0], player: {} });
  buf.push({ time: 1300, players: serve.entries });
  assert.equal(buf.sample(1250).players.get(BALL_ID).x, 795, 'a serve from the centre does not slide across');
  assert.equal(parsePongMap({ state: 'waiting' }).state, 'waiting');
  assert.equal(parsePongMap({ state: 'weird' }).state, 'playing');
});

test('touch drag: the paddle follows the finger, no jitter when there', () => {
  assert.equal(followInput(400, 250), 1);
  assert.equal(followInput(100, 250), -1);
  assert.equal(followInput(265, 250), 0.5);
  assert.equal(followInput(252, 250), 0, 'inside the dead zone');
});

test('banners: waiting, match over, nothing while playing', () => {
  const name = (id) => ({ a: 'Ann', b: 'Bob' })[id];
  assert.equal(pongBanner({ state: 'waiting', scores: {} }, name, 'a'), 'Waiting for a peer connection…');
  assert.match(pongBanner({ state: 'over', scores: {}, winner: 'a' }, name, 'a'), /^You win/);
  assert.match(pongBanner({ state: 'over', scores: {}, winner: 'b' }, name, 'a'), /^Bob wins/);
  assert.equal(pongBanner({ state: 'playing', scores: {} }, name, 'a'), '');
});

test('virtual stick: dead zone, full deflection at the rim, knob kept inside', () => {
  assert.deepEqual(stickVector(5, 0, 50), [0, 0]);
  assert.deepEqual(stickVector(50, 0, 50), [1, 0]);
  assert.deepEqual(stickVector(0, -200, 50), [0, -1]);
  const [x, y] = stickVector(30, 30, 50);
  assert.ok(Math.hypot(x, y) <= 1 && x > 0.5 && Math.abs(x - y) < 1e-9);
  assert.deepEqual(knobOffset(0, 100, 50), [0, 50]);
  assert.deepEqual(knobOffset(10, 0, 50), [10, 0]);
});
