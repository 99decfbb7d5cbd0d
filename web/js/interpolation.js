// Snapshot buffer and interpolation of remote players (shared protocol.md, "Time sync":
// "renders other players interpolated about 100 ms in the past (two snapshots at 20 Hz)").
//
// Pure logic: snapshots carry the server's `map.time`; the caller asks for the state at a
// server-time instant (normally serverNow − INTERPOLATION_DELAY_MS).

/** How far in the past remote players are drawn, ms (two snapshots at 20 Hz). */
export const INTERPOLATION_DELAY_MS = 100;

/** Longest extrapolation past the newest snapshot, ms, before players freeze in place. */
export const MAX_EXTRAPOLATION_MS = 100;

/** A move longer than this between two snapshots is a teleport (respawn): no sliding across the map. */
export const TELEPORT_DISTANCE = 150;

/**
 * Parses a `map` message's `player` object into plain records.
 * @param {Record<string, number[]>} player `{id: [x, y, vx, vy, hp, ack]}`
 * @returns {Map<string, {x: number, y: number, vx: number, vy: number, hp: number, ack: number}>}
 */
export function parsePlayers(player) {
  const out = new Map();
  for (const [id, arr] of Object.entries(player ?? {})) {
    if (!Array.isArray(arr) || arr.length < 2) continue;
    const [x, y, vx = 0, vy = 0, hp = 0, ack = 0] = arr;
    out.set(id, { x, y, vx, vy, hp, ack });
  }
  return out;
}

/**
 * Linear interpolation of one player between two states.
 * @param {{x:number,y:number}} a older state
 * @param {{x:number,y:number}} b newer state
 * @param {number} alpha 0 → a, 1 → b
 */
export function lerpPlayer(a, b, alpha) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (dx * dx + dy * dy > TELEPORT_DISTANCE * TELEPORT_DISTANCE) {
    // A respawn: show the old spot until the newer snapshot's time, then the new one.
    return { ...(alpha < 1 ? a : b) };
  }
  return {
    ...b,
    x: a.x + dx * alpha,
    y: a.y + dy * alpha,
    hp: alpha < 1 ? a.hp : b.hp,
  };
}

/** Keeps recent snapshots ordered by server time and samples them at any instant. */
export class SnapshotBuffer {
  /** @param {{capacity?: number}} [options] capacity: snapshots kept (default 32, 1.6 s at 20 Hz) */
  constructor({ capacity = 32 } = {}) {
    this.capacity = capacity;
    /** @type {{time: number, tick: number, players: Map<string, any>}[]} oldest first */
    this.snapshots = [];
  }

  get size() {
    return this.snapshots.length;
  }

  /** The newest snapshot, or undefined. */
  get latest() {
    return this.snapshots[this.snapshots.length - 1];
  }

  clear() {
    this.snapshots = [];
  }

  /**
   * Adds a snapshot. Out-of-order snapshots are inserted in place; a duplicate time replaces the old one.
   * @param {{time: number, tick?: number, players: Map<string, any>}} snapshot
   */
  push(snapshot) {
    const list = this.snapshots;
    let i = list.length;
    while (i > 0 && list[i - 1].time > snapshot.time) i -= 1;
    if (i > 0 && list[i - 1].time === snapshot.time) list[i - 1] = snapshot;
    else list.splice(i, 0, snapshot);
    while (list.length > this.capacity) list.shift();
  }

  /**
   * The players' states at a server-time instant.
   * Between two snapshots: linear interpolation. Before the oldest: the oldest. After the newest:
   * extrapolated with each player's velocity for at most MAX_EXTRAPOLATION_MS, then held.
   * @param {number} time server time, ms
   * @param {{width: number, height: number}} [bounds] the world: extrapolated positions stay inside it
   * @returns {{players: Map<string, any>, from: number, to: number, alpha: number} | null} null when empty
   */
  sample(time, bounds) {
    const list = this.snapshots;
    if (list.length === 0) return null;
    const first = list[0];
    const last = list[list.length - 1];
    if (time <= first.time) {
      return { players: clonePlayers(first.players), from: first.time, to: first.time, alpha: 0 };
    }
    if (time >= last.time) {
      const ahead = Math.min(time - last.time, MAX_EXTRAPOLATION_MS) / 1000;
      const players = new Map();
      for (const [id, p] of last.players) {
        const moving = p.hp > 0;
        let x = p.x + (moving ? p.vx * ahead : 0);
        let y = p.y + (moving ? p.vy * ahead : 0);
        if (bounds) {
          x = Math.max(0, Math.min(bounds.width, x));
          y = Math.max(0, Math.min(bounds.height, y));
        }
        players.set(id, { ...p, x, y });
      }
      return { players, from: last.time, to: last.time, alpha: 1 };
    }
    let hi = 1;
    while (list[hi].time < time) hi += 1;
    const a = list[hi - 1];
    const b = list[hi];
    const alpha = (time - a.time) / (b.time - a.time);
    const players = new Map();
    for (const [id, pb] of b.players) {
      const pa = a.players.get(id);
      players.set(id, pa ? lerpPlayer(pa, pb, alpha) : { ...pb });
    }
    return { players, from: a.time, to: b.time, alpha };
  }
}

function clonePlayers(players) {
  const out = new Map();
  for (const [id, p] of players) out.set(id, { ...p });
  return out;
}
