// The arena (kind `arena`, protocol.md "The arena game"): local prediction reconciled with `ack`, remote
// players interpolated 100 ms in the past, keyboard or touch (virtual stick + attack button) input sent once
// per server tick while held, then one zero input.
import { Predictor, normaliseInput } from '../prediction.js';
import { SnapshotBuffer, parsePlayers, INTERPOLATION_DELAY_MS } from '../interpolation.js';
import { HIT_FLASH_MS, RESPAWN_DELAY_MS } from '../room.js';
import { Renderer } from '../render.js';

const ATTACK_COOLDOWN_MS = 500;

/**
 * The server clock to render at: the synced clock, unless `map.time` disagrees with it by more than a second
 * (clock not synced yet, or a server whose snapshot times are on another base); then the snapshots' own
 * timeline, advanced by local time since the newest one arrived.
 * @param {number} synced the synced server clock now
 * @param {{time: number, receivedAt: number}} newest newest snapshot's server time and local receive time
 * @param {number} localNow
 */
export function renderClock(synced, newest, localNow) {
  if (!newest.receivedAt || Math.abs(synced - newest.time) < 1000) return synced;
  return newest.time + (localNow - newest.receivedAt);
}

/**
 * @param {any} ctx the shell's view context (main.js `viewContext`)
 */
export function createArenaView(ctx) {
  const canvas = ctx.$('game');
  const renderer = new Renderer(/** @type {HTMLCanvasElement} */ (canvas));
  const predictor = new Predictor();
  const snapshots = new SnapshotBuffer();
  let room = null;
  let inputTimer = 0;
  let lastStepAt = 0;
  let sentMoving = false;
  let lastLocalAttack = -Infinity;
  /** @type {{x: number, y: number, hp: number, ack: number} | null} */
  let myServer = null;
  let newest = { time: 0, receivedAt: 0 };

  function attack() {
    const now = performance.now();
    if (!room || room.me?.dead || now - lastLocalAttack < ATTACK_COOLDOWN_MS) return;
    lastLocalAttack = now;
    room.onLocalAttack(now);
  }

  function inputTick() {
    if (!room || !ctx.conn.online || !predictor.ready) return;
    const raw = ctx.touch.active ? ctx.touch.vector : ctx.keyboard.direction();
    const keyAttack = ctx.keyboard.takeAttack();
    const touchAttack = ctx.touch.takeAttack();
    const wantsAttack = keyAttack || touchAttack;
    const moving = raw[0] !== 0 || raw[1] !== 0;
    if (!moving && !wantsAttack && !sentMoving) return;
    const dir = normaliseInput(raw[0], raw[1]);
    const alive = !(room.me?.dead ?? false);
    const seq = predictor.applyInput(dir, { alive });
    lastStepAt = performance.now();
    const msg = {
      type: 'input',
      seq,
      time: Math.round(ctx.clientNow()),
      input: [Math.round(dir[0] * 1e4) / 1e4, Math.round(dir[1] * 1e4) / 1e4],
    };
    if (wantsAttack) msg.attack = true;
    ctx.send(msg);
    sentMoving = moving;
  }

  const view = {
    kind: 'arena',
    wantsKeys: true,
    /** @param {import('../room.js').RoomState} r */
    enter(r) {
      room = r;
      predictor.reset();
      predictor.setRules({ width: room.world.width, height: room.world.height, tickHz: room.tickHz });
      snapshots.clear();
      myServer = null;
      sentMoving = false;
      newest = { time: 0, receivedAt: 0 };
      ctx.keyboard.reset();
      ctx.touch.reset();
      ctx.keyboard.onAttack = attack;
      ctx.touch.onAttack = attack;
      canvas.hidden = false;
      canvas.setAttribute('aria-label', 'Arena');
      ctx.$('touch-controls').hidden = false;
      clearInterval(inputTimer);
      inputTimer = setInterval(inputTick, 1000 / room.tickHz);
      canvas.focus();
    },

    leave() {
      clearInterval(inputTimer);
      inputTimer = 0;
      room = null;
      snapshots.clear();
      predictor.reset();
      myServer = null;
      ctx.keyboard.reset();
      ctx.touch.reset();
      ctx.keyboard.onAttack = null;
      ctx.touch.onAttack = null;
      ctx.$('touch-controls').hidden = true;
    },

    /** @returns {boolean} whether the message was for this view */
    message(msg) {
      if (!room) return false;
      switch (msg.type) {
        case 'map': {
          const players = parsePlayers(msg.player);
          const time = Number(msg.time);
          const tick = Number(msg.tick);
          snapshots.push({ time, tick, players });
          if (time >= newest.time) newest = { time, receivedAt: ctx.clientNow() };
          const respawned = room.applySnapshot(players, tick, time, performance.now());
          if (respawned.length) ctx.playersChanged();
          const mine = players.get(room.you);
          if (mine) {
            myServer = mine;
            predictor.reconcile(mine.x, mine.y, mine.ack, { alive: mine.hp > 0 });
          }
          return true;
        }
        case 'player_attacked':
          room.onAttacked(msg, performance.now());
          ctx.playersChanged();
          return true;
        case 'player_killed': {
          room.onKilled(msg, performance.now());
          const victim = msg.id === room.you ? 'you' : room.nameOf(msg.id);
          const killer = msg.by === room.you ? 'You' : room.nameOf(msg.by);
          ctx.ui.addSystem(msg.by === msg.id || msg.by == null ? `${victim} went down.` : `${killer} knocked out ${victim}.`, 'kill');
          ctx.playersChanged();
          return true;
        }
        default:
          return false;
      }
    },

    frame(t, dt) {
      if (!room) return;
      predictor.decay(dt);
      room.prune(t);
      const renderTime = renderClock(ctx.sync.toServer(ctx.clientNow()), newest, ctx.clientNow()) - INTERPOLATION_DELAY_MS;
      const sample = snapshots.sample(renderTime, room.world);
      const positions = new Map();
      const frameView = { world: room.world, now: t, players: [], waves: [], banner: '' };
      let idleChanged = false;
      for (const entry of room.players.values()) {
        const isMe = entry.id === room.you;
        let pos = isMe ? predictor.displayPosition(t - lastStepAt) : null;
        const s = sample?.players.get(entry.id);
        if (!pos && s) pos = s;
        if (!pos) continue;
        positions.set(entry.id, pos);
        const idle = room.isIdle(entry.id, t);
        if (idle !== (entry.idleShown ?? false)) {
          entry.idleShown = idle;
          idleChanged = true;
        }
        frameView.players.push({
          id: entry.id,
          name: entry.label,
          color: entry.color,
          x: pos.x,
          y: pos.y,
          hp: isMe && myServer ? myServer.hp : (s?.hp ?? entry.hp),
          dead: entry.dead,
          idle,
          away: entry.away === true,
          isMe,
          isHost: entry.id === room.host,
          flash: Math.max(0, (entry.flashUntil - t) / HIT_FLASH_MS),
          spawnAge: t - entry.spawnAt,
        });
      }
      if (idleChanged) ctx.playersChanged();
      for (const fx of room.effects) {
        const pos = positions.get(fx.id);
        const p = room.players.get(fx.id);
        if (pos && p && !p.dead) frameView.waves.push({ x: pos.x, y: pos.y, age: t - fx.at, color: p.color });
      }
      const me = room.me;
      if (!ctx.conn.online) frameView.banner = 'Connection lost — reconnecting…';
      else if (me?.dead) {
        const left = Math.max(0, RESPAWN_DELAY_MS - (t - me.diedAt)) / 1000;
        frameView.banner = `Knocked out — respawning${left > 0 ? ` in ${left.toFixed(1)} s` : '…'}`;
      } else if (!sample) frameView.banner = 'Waiting for the first snapshot…';
      renderer.draw(frameView);
    },

    hud() {
      return { tick: room?.lastTick, extraLabel: 'HP', extra: Number.isFinite(myServer?.hp) ? (myServer.hp > 0 ? String(myServer.hp) : 'dead') : '—' };
    },

    debug: {
      get me() { return predictor.position ? { x: predictor.position.x, y: predictor.position.y } : null; },
      get server() { return myServer ? { x: myServer.x, y: myServer.y, hp: myServer.hp, ack: myServer.ack } : null; },
      get hp() { return myServer?.hp ?? null; },
      get seq() { return predictor.seq; },
      get pending() { return predictor.pending.length; },
      get snapshots() { return snapshots.size; },
    },
  };
  return view;
}
