// Client-side prediction of the local player, with server reconciliation.
//
// Arena rules (shared protocol.md, "The arena game"): speed 200 units/s at full input, an input
// vector longer than 1 is scaled to length 1, positions clamped inside the world, 20 Hz tick.
// The client treats each input it sends as one server tick (1000 / tickHz ms) of movement.
// Pure logic: no DOM, no sockets, no clock reads (times are passed in).

/** Default arena rules (protocol.md); `joined` overrides world size and tick rate. */
export const ARENA_RULES = Object.freeze({ width: 1000, height: 1000, speed: 200, tickHz: 20 });

/** A correction larger than this (world units) is a teleport (e.g. respawn) and is applied at once. */
export const SNAP_DISTANCE = 100;

/** Time constant of the exponential decay of smoothed corrections, ms. */
export const CORRECTION_TAU_MS = 100;

/** Most unacknowledged inputs kept (3 s at 20 Hz); older ones are dropped. */
export const MAX_PENDING = 60;

/**
 * Clamps each component to [-1, 1] and scales a vector longer than 1 to length 1.
 * @param {number} vx
 * @param {number} vy
 * @returns {[number, number]}
 */
export function normaliseInput(vx, vy) {
  let x = Number.isFinite(vx) ? Math.max(-1, Math.min(1, vx)) : 0;
  let y = Number.isFinite(vy) ? Math.max(-1, Math.min(1, vy)) : 0;
  const len = Math.hypot(x, y);
  if (len > 1) {
    x /= len;
    y /= len;
  }
  return [x, y];
}

/**
 * One server tick of movement.
 * @param {{x: number, y: number}} pos
 * @param {[number, number]} input direction
 * @param {{width: number, height: number, speed: number, tickHz: number}} rules
 * @returns {{x: number, y: number}} the new position, clamped to [0, width] × [0, height]
 */
export function stepPosition(pos, input, rules) {
  const [vx, vy] = normaliseInput(input[0], input[1]);
  const dt = 1 / rules.tickHz;
  return {
    x: Math.max(0, Math.min(rules.width, pos.x + vx * rules.speed * dt)),
    y: Math.max(0, Math.min(rules.height, pos.y + vy * rules.speed * dt)),
  };
}

/**
 * Predicts the local player from its unacknowledged inputs and reconciles with each snapshot.
 *
 * - `applyInput` is called for every input sent: it takes the next seq, moves the prediction one
 *   tick and remembers the input until the server acknowledges it.
 * - `reconcile` is called with the server's position and `ack` from every `map`: inputs with
 *   seq ≤ ack are dropped, the rest are replayed on top of the server's position. The visible
 *   difference is kept as a correction that decays over ~CORRECTION_TAU_MS (small errors) or is
 *   dropped at once (teleports such as respawns).
 * - `displayPosition(sinceStepMs)` blends the previous and the current predicted position over one
 *   tick so movement looks continuous at any frame rate, plus the decaying correction.
 */
export class Predictor {
  /** @param {Partial<typeof ARENA_RULES> & {step?: Function}} [rules] step: a custom tick of movement */
  constructor(rules = {}) {
    this.rules = { ...ARENA_RULES, ...rules };
    /** Last seq handed out; the next input gets seq + 1. */
    this.seq = 0;
    /** @type {{seq: number, input: [number, number]}[]} inputs sent and not yet acknowledged */
    this.pending = [];
    /** Predicted position after every input sent. */
    this.position = null;
    /** Predicted position before the newest input (for blending between ticks). */
    this.previous = null;
    /** Correction still to be smoothed away (display − predicted). */
    this.error = { x: 0, y: 0 };
    /** Distance of the last correction, world units (0 when the prediction was right). */
    this.lastCorrection = 0;
  }

  /** @param {Partial<typeof ARENA_RULES>} rules */
  setRules(rules) {
    this.rules = { ...this.rules, ...rules };
  }

  /**
   * One tick of movement: `rules.step(pos, input, rules)` when the rules bring their own (e.g. a pong
   * paddle), else the arena's `stepPosition`.
   */
  step(pos, input) {
    const step = typeof this.rules.step === 'function' ? this.rules.step : stepPosition;
    return step(pos, input, this.rules);
  }

  /** True once a server position is known. */
  get ready() {
    return this.position !== null;
  }

  /** Forgets the position and the pending inputs (e.g. on joining a room). The seq keeps increasing. */
  reset() {
    this.pending = [];
    this.position = null;
    this.previous = null;
    this.error = { x: 0, y: 0 };
    this.lastCorrection = 0;
  }

  /**
   * Records and applies one input locally.
   * @param {[number, number]} input direction (normalised here)
   * @param {{alive?: boolean}} [options] alive: false while dead — the input gets a seq but moves nothing
   * @returns {number} the seq to send with it
   */
  applyInput(input, { alive = true } = {}) {
    this.seq += 1;
    if (!alive) return this.seq;
    const dir = normaliseInput(input[0], input[1]);
    this.pending.push({ seq: this.seq, input: dir });
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    if (this.position) {
      this.previous = this.position;
      this.position = this.step(this.position, dir);
    }
    return this.seq;
  }

  /**
   * Reconciles with the server's state of the local player.
   * @param {number} x server position x
   * @param {number} y server position y
   * @param {number} ack last input seq the server applied
   * @param {{alive?: boolean}} [options] alive: false while dead (no movement is predicted)
   */
  reconcile(x, y, ack, { alive = true } = {}) {
    // A resumed session: the server has seen seqs this page never sent; continue above them.
    if (ack > this.seq) this.seq = ack;
    this.pending = this.pending.filter((p) => p.seq > ack);
    let pos = { x, y };
    if (alive) {
      for (const p of this.pending) pos = this.step(pos, p.input);
    } else {
      this.pending = [];
    }
    if (!this.position) {
      this.position = pos;
      this.previous = pos;
      this.lastCorrection = 0;
      return;
    }
    const dx = this.position.x - pos.x;
    const dy = this.position.y - pos.y;
    const dist = Math.hypot(dx, dy);
    this.lastCorrection = dist;
    if (dist > SNAP_DISTANCE) {
      this.error = { x: 0, y: 0 };
      this.previous = pos;
    } else {
      // Keep what is on screen where it is and let the difference decay.
      this.error = { x: this.error.x + dx, y: this.error.y + dy };
      this.previous = { x: this.previous.x - dx, y: this.previous.y - dy };
    }
    this.position = pos;
  }

  /**
   * Lets the smoothed correction decay.
   * @param {number} dtMs time since the last call, ms
   */
  decay(dtMs) {
    const k = Math.exp(-Math.max(0, dtMs) / CORRECTION_TAU_MS);
    this.error = { x: this.error.x * k, y: this.error.y * k };
    if (Math.abs(this.error.x) < 0.01 && Math.abs(this.error.y) < 0.01) this.error = { x: 0, y: 0 };
  }

  /**
   * Where to draw the local player.
   * @param {number} sinceStepMs time since the newest input was applied, ms
   * @returns {{x: number, y: number} | null}
   */
  displayPosition(sinceStepMs) {
    if (!this.position) return null;
    const tickMs = 1000 / this.rules.tickHz;
    const a = Math.max(0, Math.min(1, sinceStepMs / tickMs));
    const prev = this.previous ?? this.position;
    return {
      x: prev.x + (this.position.x - prev.x) * a + this.error.x,
      y: prev.y + (this.position.y - prev.y) * a + this.error.y,
    };
  }
}
