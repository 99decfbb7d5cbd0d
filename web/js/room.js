// What the client knows about the room it sits in, built from server messages
// (shared protocol.md, "Server → client"). Pure logic: times are passed in, nothing is drawn.
import { capacityOf } from './protocol.js';

/** How long a hit flash lasts, ms. */
export const HIT_FLASH_MS = 250;
/** How long an attack shockwave is shown, ms. */
export const ATTACK_WAVE_MS = 300;
/** How long a respawn ring is shown, ms. */
export const SPAWN_RING_MS = 600;
/** Arena respawn delay (protocol.md: "respawn after 2 s"), ms; used for the countdown only. */
export const RESPAWN_DELAY_MS = 2000;

/** A remote player whose snapshot has not changed for this long is drawn as idle, ms. */
export const IDLE_MS = 2000;

/**
 * Labels that tell players apart: a name shared by several players in the room gets a short id suffix on every one
 * of them (“Ada #k3f9”, “Ada #x7q2”), long enough to differ. The labels depend only on who is in the room, so every
 * page shows the same ones; when the others with that name leave, the name is shown bare again.
 * @param {Iterable<{id: string, name: string}>} players
 * @returns {Map<string, string>} id → label
 */
export function labelPlayers(players) {
  const byName = new Map();
  for (const p of players) {
    const list = byName.get(p.name) ?? [];
    list.push(String(p.id));
    byName.set(p.name, list);
  }
  const out = new Map();
  for (const [name, ids] of byName) {
    if (ids.length === 1) {
      out.set(ids[0], name);
      continue;
    }
    let n = Math.min(4, ...ids.map((id) => id.length));
    while (n < Math.max(...ids.map((id) => id.length)) && new Set(ids.map((id) => id.slice(0, n))).size < ids.length) n += 1;
    for (const id of ids) out.set(id, `${name} #${id.slice(0, n)}`);
  }
  return out;
}

/**
 * Formats an `[r, g, b]` colour as CSS.
 * @param {number[] | undefined} rgb
 * @param {number} [alpha]
 */
export function cssColor(rgb, alpha = 1) {
  const [r, g, b] = Array.isArray(rgb) && rgb.length >= 3 ? rgb : [160, 170, 190];
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The room the player is seated in: roster, host, and short-lived visual effects. */
export class RoomState {
  /**
   * @param {any} joined the `joined` message
   * @param {number} now local clock, ms
   */
  constructor(joined, now = 0) {
    this.id = joined.room;
    this.kind = joined.kind ?? 'arena';
    this.you = joined.you;
    this.host = joined.host;
    /** Capacity: `joined.max` (v1.1), else the kind's fixed capacity (arena 8, pong 2), else null. */
    this.max = capacityOf(this.kind, joined.max);
    /** Relay rooms: the server's `waiting` flag (null until the server sends one). */
    this.waiting = typeof joined.waiting === 'boolean' ? joined.waiting : null;
    this.tickHz = Number(joined.tick) > 0 ? Number(joined.tick) : 20;
    const [w, h] = Array.isArray(joined.world) ? joined.world : [1000, 1000];
    this.world = { width: Number(w) || 1000, height: Number(h) || 1000 };
    /** @type {Map<string, {id: string, name: string, label: string, color: number[], hp: number, dead: boolean, diedAt: number, flashUntil: number, spawnAt: number, kills: number, lastChangeAt: number, lastSeen: string | null}>} */
    this.players = new Map();
    // Only the local player gets a spawn ring on joining; the others were already there.
    for (const [id, p] of Object.entries(joined.players ?? {})) this.addPlayer(id, p?.name, p?.color, id === this.you ? now : -Infinity);
    /** @type {{kind: 'attack', id: string, at: number}[]} */
    this.effects = [];
    /** Newest `map.tick` seen. */
    this.lastTick = 0;
    /** Newest `map.time` seen (server clock, ms). */
    this.lastMapTime = 0;
  }

  /** The local player's roster entry. */
  get me() {
    return this.players.get(this.you);
  }

  addPlayer(id, name, color, now = 0) {
    const existing = this.players.get(id);
    const base = typeof name === 'string' && name.length > 0 ? name : (existing?.name ?? id);
    const entry = {
      id,
      name: base,
      label: base,
      color: Array.isArray(color) ? color : [160, 170, 190],
      hp: existing?.hp ?? 100,
      dead: existing?.dead ?? false,
      diedAt: existing?.diedAt ?? 0,
      flashUntil: 0,
      spawnAt: existing ? existing.spawnAt : now,
      kills: existing?.kills ?? 0,
      lastChangeAt: existing?.lastChangeAt ?? now,
      lastSeen: existing?.lastSeen ?? null,
    };
    this.players.set(id, entry);
    this.relabel();
    return entry;
  }

  /** Takes a player out of the roster (`player_left`). */
  removePlayer(id) {
    const had = this.players.delete(id);
    if (had) this.relabel();
    return had;
  }

  relabel() {
    const labels = labelPlayers(this.players.values());
    for (const p of this.players.values()) p.label = labels.get(p.id) ?? p.name;
  }

  /** The name shown for a player: names shared in the room get a short id suffix (“Ada #k3f9”). */
  nameOf(id) {
    return this.players.get(id)?.label ?? (id == null ? 'someone' : String(id));
  }

  /**
   * Whether a remote player's snapshot (position and `ack`) has not changed for `idleMs`: they send no
   * input — idle, or disconnected with their seat kept (the protocol has no signal telling which).
   * @param {string} id
   * @param {number} now local clock, ms
   */
  isIdle(id, now, idleMs = IDLE_MS) {
    const p = this.players.get(id);
    if (!p || id === this.you || p.dead || p.lastSeen === null) return false;
    if (p.away) return true; // the server says the connection is gone (player_away)
    return now - p.lastChangeAt > idleMs;
  }

  /**
   * Applies a `map` snapshot's hp values: detects respawns (hp back above 0 after a death).
   * @param {Map<string, {hp: number}>} players parsed snapshot players
   * @param {number} tick
   * @param {number} time server time of the snapshot
   * @param {number} now local clock, ms
   * @returns {string[]} ids that respawned in this snapshot
   */
  applySnapshot(players, tick, time, now) {
    if (tick > this.lastTick) this.lastTick = tick;
    if (time > this.lastMapTime) this.lastMapTime = time;
    const respawned = [];
    for (const [id, p] of players) {
      let entry = this.players.get(id);
      if (!entry) entry = this.addPlayer(id, undefined, undefined, now);
      if (entry.dead && p.hp > 0) {
        entry.dead = false;
        entry.spawnAt = now;
        respawned.push(id);
      } else if (!entry.dead && p.hp <= 0) {
        entry.dead = true;
        entry.diedAt = now;
      }
      entry.hp = p.hp;
      const seen = `${p.x},${p.y},${p.ack},${p.hp}`;
      if (seen !== entry.lastSeen) {
        entry.lastSeen = seen;
        entry.lastChangeAt = now;
      }
    }
    return respawned;
  }

  /** `player_attacked`: the target flashes, the attacker shows a shockwave. */
  onAttacked(msg, now) {
    const target = this.players.get(msg.id);
    if (target) {
      target.flashUntil = now + HIT_FLASH_MS;
      if (typeof msg.hp === 'number') target.hp = msg.hp;
    }
    if (msg.by != null && !this.effects.some((e) => e.id === msg.by && now - e.at < ATTACK_WAVE_MS)) {
      this.effects.push({ kind: 'attack', id: msg.by, at: now });
    }
  }

  /** `player_killed`: marks the target dead and counts the kill. */
  onKilled(msg, now) {
    const target = this.players.get(msg.id);
    if (target) {
      target.dead = true;
      target.hp = 0;
      target.diedAt = now;
    }
    const killer = this.players.get(msg.by);
    if (killer && msg.by !== msg.id) killer.kills += 1;
  }

  /** Records a local attack so the shockwave shows without waiting for the server. */
  onLocalAttack(now) {
    this.effects.push({ kind: 'attack', id: this.you, at: now });
  }

  /** Drops effects older than their lifetime. */
  prune(now) {
    this.effects = this.effects.filter((e) => now - e.at < ATTACK_WAVE_MS);
  }
}
