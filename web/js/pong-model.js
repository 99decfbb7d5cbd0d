// Pong (protocol.md v1.1, kind `pong`): rules, paddle prediction step, `map` parsing, touch-follow input.
// Pure logic: no DOM, no clock reads.

/** Pong rules from protocol.md. Paddle `y` is taken as the paddle's centre. */
export const PONG = Object.freeze({
  width: 800,
  height: 500,
  paddleHeight: 80,
  paddleSpeed: 300,
  leftX: 20,
  rightX: 780,
  tickHz: 30,
  winScore: 11,
  ballRadius: 8,
});

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

/**
 * One tick of paddle movement (a `Predictor` step): vertical only, 300 units/s × `input[1]`, the paddle kept
 * inside the world (centre within half a paddle of the edges).
 * @param {{x: number, y: number}} pos
 * @param {[number, number]} input
 * @param {{height: number, speed: number, tickHz: number, paddleHeight?: number}} rules
 */
export function paddleStep(pos, input, rules) {
  const vy = clamp(Number.isFinite(input[1]) ? input[1] : 0, -1, 1);
  const half = (rules.paddleHeight ?? PONG.paddleHeight) / 2;
  return { x: pos.x, y: clamp(pos.y + (vy * rules.speed) / rules.tickHz, half, rules.height - half) };
}

/** Predictor rules for the local paddle. @param {{tick?: number|null, world?: number[]|null}} [joined] */
export function pongRules(joined = {}) {
  const [w, h] = Array.isArray(joined.world) ? joined.world : [PONG.width, PONG.height];
  return {
    width: w,
    height: h,
    speed: PONG.paddleSpeed,
    tickHz: joined.tick ?? PONG.tickHz,
    paddleHeight: PONG.paddleHeight,
    step: paddleStep,
  };
}

/** The id under which the ball goes into a `SnapshotBuffer` next to the paddles. */
export const BALL_ID = '\u0000ball';

/**
 * A pong `map`: `state`, `ball` `[x, y, vx, vy]`, `player` `{id: [x, y, 0, vy, score, ack]}`.
 * Players get `hp: 1` so the snapshot buffer extrapolates them; the ball is one more entry (BALL_ID).
 * @param {any} msg
 */
export function parsePongMap(msg) {
  const players = new Map();
  const scores = {};
  for (const [id, a] of Object.entries(msg?.player ?? {})) {
    if (!Array.isArray(a) || a.length < 2) continue;
    const [x, y, vx = 0, vy = 0, score = 0, ack = 0] = a;
    players.set(id, { x, y, vx, vy, score, ack, hp: 1 });
    scores[id] = score;
  }
  let ball = null;
  if (Array.isArray(msg?.ball) && msg.ball.length >= 2) {
    const [x, y, vx = 0, vy = 0] = msg.ball;
    ball = { x, y, vx, vy, hp: 1 };
  }
  const state = msg?.state === 'waiting' || msg?.state === 'over' || msg?.state === 'playing' ? msg.state : 'playing';
  const withBall = new Map(players);
  if (ball) withBall.set(BALL_ID, ball);
  return { time: Number(msg?.time), tick: Number(msg?.tick), state, ball, players, scores, entries: withBall };
}

/**
 * The input that moves a paddle at `current` toward a touch at `target` (both y): full speed when far,
 * proportional within `band` units, none inside `deadzone`.
 * @returns {number} in [-1, 1]
 */
export function followInput(target, current, band = 30, deadzone = 3) {
  const d = target - current;
  if (!Number.isFinite(d) || Math.abs(d) <= deadzone) return 0;
  return clamp(d / band, -1, 1);
}

/**
 * The text for the match's state.
 * @param {{state: string, scores: Record<string, number>, winner?: string | null}} s
 * @param {(id: string) => string} nameOf
 * @param {string | null} me
 */
export function pongBanner(s, nameOf, me) {
  if (s.state === 'waiting') return 'Waiting for a peer connection…';
  if (s.state === 'over') {
    if (s.winner) return s.winner === me ? 'You win! New match in 3 s…' : `${nameOf(s.winner)} wins. New match in 3 s…`;
    return 'Match over. New match in 3 s…';
  }
  return '';
}
