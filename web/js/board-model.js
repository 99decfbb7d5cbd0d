// The shared whiteboard (protocol.md v1.1, kind `board`): stroke validation and splitting, and the board's
// history. Pure logic: no DOM; drawing is done by views/board.js.

/** Board coordinates run 0–BOARD_SIZE on both axes. */
export const BOARD_SIZE = 1000;
/** Points per `draw`: 2–256 `[x, y]` pairs. */
export const MIN_POINTS = 2;
export const MAX_POINTS = 256;
/** Stroke width 1–40. */
export const MIN_WIDTH = 1;
export const MAX_WIDTH = 40;
/** Server limit: 30 `draw` per second per connection; the client stays under it. */
export const DRAWS_PER_SECOND = 30;
export const CLIENT_DRAWS_PER_SECOND = 20;
/** `joined.strokes` holds at most the newest 2,000 strokes; the client keeps a little more. */
export const MAX_HISTORY = 4000;

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

/**
 * A point inside the board, rounded to 0.1 unit.
 * @param {number} x
 * @param {number} y
 * @returns {[number, number]}
 */
export function boardPoint(x, y) {
  const r = (v) => Math.round(clamp(Number.isFinite(v) ? v : 0, 0, BOARD_SIZE) * 10) / 10;
  return [r(x), r(y)];
}

/** A width inside 1–40 (integer). */
export function clampWidth(w) {
  return clamp(Math.round(Number.isFinite(Number(w)) ? Number(w) : 4), MIN_WIDTH, MAX_WIDTH);
}

/** An `[r, g, b]` of 0–255 integers. */
export function clampColor(c) {
  const a = Array.isArray(c) ? c : [];
  return [0, 1, 2].map((i) => clamp(Math.round(Number.isFinite(Number(a[i])) ? Number(a[i]) : 0), 0, 255));
}

/** `#rrggbb` → `[r, g, b]`. */
export function hexToRgb(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex).trim());
  if (!m) return [0, 0, 0];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Splits a stroke into `draw`-sized pieces of at most `max` points. Consecutive pieces share their joining
 * point, so the pieces drawn one after the other look like one line. A single point (a tap) becomes a dot:
 * the point twice.
 * @param {[number, number][]} points
 * @param {number} [max]
 * @returns {[number, number][][]}
 */
export function splitStroke(points, max = MAX_POINTS) {
  const pts = points.filter((p) => Array.isArray(p) && p.length >= 2).map((p) => boardPoint(p[0], p[1]));
  if (pts.length === 0) return [];
  if (pts.length === 1) return [[pts[0], [...pts[0]]]];
  const step = Math.max(1, max - 1);
  const out = [];
  for (let i = 0; i < pts.length - 1; i += step) out.push(pts.slice(i, Math.min(pts.length, i + max)));
  return out;
}

/**
 * The `draw` messages for a stroke.
 * @param {[number, number][]} points
 * @param {number[]} color
 * @param {number} width
 */
export function drawMessages(points, color, width) {
  const c = clampColor(color);
  const w = clampWidth(width);
  return splitStroke(points).map((pts) => ({ type: 'draw', points: pts, color: c, width: w }));
}

/**
 * Whether a `draw` we are about to send is inside the protocol's limits.
 * @param {any} msg
 */
export function isValidDraw(msg) {
  if (!msg || msg.type !== 'draw' || !Array.isArray(msg.points)) return false;
  if (msg.points.length < MIN_POINTS || msg.points.length > MAX_POINTS) return false;
  const inside = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= BOARD_SIZE;
  if (!msg.points.every((p) => Array.isArray(p) && p.length === 2 && inside(p[0]) && inside(p[1]))) return false;
  if (!Array.isArray(msg.color) || msg.color.length !== 3) return false;
  if (!msg.color.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) return false;
  return Number.isFinite(msg.width) && msg.width >= MIN_WIDTH && msg.width <= MAX_WIDTH;
}

/**
 * A stroke from the server (`draw` or an entry of `joined.strokes`), cleaned; null when unusable.
 * @param {any} s
 * @returns {{id: number | null, from: string | null, points: [number, number][], color: number[], width: number} | null}
 */
export function parseStroke(s) {
  if (!s || !Array.isArray(s.points)) return null;
  const points = [];
  for (const p of s.points) {
    if (Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1])) points.push(boardPoint(p[0], p[1]));
  }
  if (points.length === 0) return null;
  return {
    id: Number.isFinite(s.id) ? s.id : null,
    from: s.from == null ? null : String(s.from),
    points,
    color: clampColor(s.color),
    width: clampWidth(s.width),
  };
}

/**
 * Collects points while the pointer is down and hands out `draw`-sized pieces as it goes, so others see a
 * long stroke being drawn. Points closer than `minGap` to the previous one are skipped.
 */
export class StrokeBuilder {
  /** @param {{minGap?: number}} [options] */
  constructor({ minGap = 1.5 } = {}) {
    this.minGap = minGap;
    /** Points not yet handed out; starts with the last point handed out (the join). */
    this.points = [];
    this.active = false;
    /** Whether anything of this stroke was handed out yet. */
    this.flushedAny = false;
  }

  begin(x, y) {
    this.points = [boardPoint(x, y)];
    this.active = true;
    this.flushedAny = false;
  }

  add(x, y) {
    if (!this.active) return;
    const p = boardPoint(x, y);
    const last = this.points[this.points.length - 1];
    if (last && Math.hypot(p[0] - last[0], p[1] - last[1]) < this.minGap) return;
    this.points.push(p);
  }

  /**
   * The pieces ready to send: everything collected, when `final` or when at least 2 points wait.
   * The last point stays as the start of the next piece.
   * @param {boolean} final the pointer went up
   * @returns {[number, number][][]}
   */
  take(final = false) {
    if (!this.active) return [];
    let out = [];
    if (this.points.length >= 2) {
      out = splitStroke(this.points);
      this.points = [this.points[this.points.length - 1]];
    } else if (final && !this.flushedAny && this.points.length === 1) {
      out = splitStroke(this.points); // a tap: a dot
    }
    if (out.length) this.flushedAny = true;
    if (final) {
      this.active = false;
      this.points = [];
    }
    return out;
  }
}

/** The board's strokes, in the order the server numbered them. */
export class BoardHistory {
  constructor(limit = MAX_HISTORY) {
    this.limit = limit;
    /** @type {NonNullable<ReturnType<typeof parseStroke>>[]} */
    this.strokes = [];
    /** Ids seen, to ignore a repeat. */
    this.ids = new Set();
  }

  /** Replaces everything with `joined.strokes`. */
  load(list) {
    this.clear();
    for (const s of Array.isArray(list) ? list : []) this.add(s);
  }

  /**
   * Adds a stroke. @returns the stroke added, or null (unusable or already there)
   */
  add(raw) {
    const s = parseStroke(raw);
    if (!s) return null;
    if (s.id !== null) {
      if (this.ids.has(s.id)) return null;
      this.ids.add(s.id);
    }
    this.strokes.push(s);
    if (this.strokes.length > this.limit) {
      const gone = this.strokes.splice(0, this.strokes.length - this.limit);
      for (const g of gone) if (g.id !== null) this.ids.delete(g.id);
    }
    return s;
  }

  clear() {
    this.strokes = [];
    this.ids.clear();
  }

  get size() {
    return this.strokes.length;
  }
}
