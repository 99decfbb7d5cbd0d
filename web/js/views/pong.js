// Pong (kind `pong`, protocol.md v1.1): the local paddle predicted from its inputs and reconciled with
// `ack` (the arena's Predictor with a paddle step), the ball and the other paddle interpolated 100 ms in the
// past (the arena's SnapshotBuffer), the score, the waiting and match-over states.
// Input: `input` with `[0, vy]`: W/S or the arrow keys, or a finger/mouse dragged on the canvas.
import { Predictor } from '../prediction.js';
import { SnapshotBuffer, INTERPOLATION_DELAY_MS } from '../interpolation.js';
import { fitWorld } from '../render.js';
import { cssColor } from '../room.js';
import { PONG, BALL_ID, pongRules, parsePongMap, followInput, pongBanner } from '../pong-model.js';
import { renderClock } from './arena.js';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

/** @param {any} ctx the shell's view context (main.js) */
export function createPongView(ctx) {
  const canvas = /** @type {HTMLCanvasElement} */ (ctx.$('game'));
  const g = canvas.getContext('2d');
  const predictor = new Predictor(pongRules());
  const snapshots = new SnapshotBuffer({ capacity: 48 });
  let room = null;
  let world = { width: PONG.width, height: PONG.height };
  let inputTimer = 0;
  let lastStepAt = 0;
  let sentMoving = false;
  let state = 'waiting';
  /** @type {Record<string, number>} */
  let scores = {};
  let winner = null;
  let lastPoint = null; // {by, at}
  let myServer = null;
  let newest = { time: 0, receivedAt: 0 };
  let fit = null;
  /** Touch/mouse target (world y) while a pointer is down on the canvas. */
  let dragY = null;
  let dragPointer = null;
  let cssW = 0;
  let cssH = 0;
  let dpr = 1;

  function worldY(e) {
    if (!fit) return null;
    const r = canvas.getBoundingClientRect();
    return (e.clientY - r.top - fit.oy) / fit.scale;
  }
  const onDown = (e) => {
    if (!room) return;
    dragPointer = e.pointerId;
    try { canvas.setPointerCapture(e.pointerId); } catch { /* synthetic */ }
    dragY = worldY(e);
    e.preventDefault();
  };
  const onMove = (e) => {
    if (e.pointerId === dragPointer) dragY = worldY(e);
  };
  const onUp = (e) => {
    if (e.pointerId !== dragPointer) return;
    dragPointer = null;
    dragY = null;
  };

  function currentY() {
    return predictor.displayPosition(performance.now() - lastStepAt)?.y ?? world.height / 2;
  }

  function inputTick() {
    if (!room || !ctx.conn.online || !predictor.ready) return;
    let vy = ctx.keyboard.direction()[1];
    if (dragY !== null) vy = followInput(dragY, currentY());
    vy = Math.round(vy * 1e4) / 1e4;
    const moving = vy !== 0;
    if (!moving && !sentMoving) return;
    const seq = predictor.applyInput([0, vy], { alive: state !== 'waiting' });
    lastStepAt = performance.now();
    ctx.send({ type: 'input', seq, time: Math.round(ctx.clientNow()), input: [0, vy] });
    sentMoving = moving;
  }

  function resize() {
    const rect = canvas.getBoundingClientRect();
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(rect.width));
    const h = Math.max(1, Math.round(rect.height));
    if (w !== cssW || h !== cssH || ratio !== dpr) {
      cssW = w;
      cssH = h;
      dpr = ratio;
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
  }

  function nameOf(id) {
    return id === room?.you ? 'You' : room?.nameOf(id) ?? String(id);
  }

  function draw(t) {
    resize();
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    fit = fitWorld(cssW, cssH, world);
    const X = (x) => fit.ox + x * fit.scale;
    const Y = (y) => fit.oy + y * fit.scale;

    // Field.
    g.fillStyle = '#0f1623';
    g.fillRect(fit.ox, fit.oy, fit.w, fit.h);
    g.strokeStyle = 'rgba(56, 189, 248, 0.35)';
    g.lineWidth = 1.5;
    g.strokeRect(fit.ox, fit.oy, fit.w, fit.h);
    g.setLineDash([8, 10]);
    g.strokeStyle = 'rgba(148, 163, 184, 0.25)';
    g.beginPath();
    g.moveTo(X(world.width / 2), fit.oy);
    g.lineTo(X(world.width / 2), fit.oy + fit.h);
    g.stroke();
    g.setLineDash([]);

    const renderTime = renderClock(ctx.sync.toServer(ctx.clientNow()), newest, ctx.clientNow()) - INTERPOLATION_DELAY_MS;
    const sample = snapshots.sample(renderTime, world);

    // Paddles.
    const ph = PONG.paddleHeight * fit.scale;
    const pw = Math.max(4, 10 * fit.scale);
    const sides = [];
    for (const p of room.players.values()) {
      const isMe = p.id === room.you;
      let pos = isMe ? predictor.displayPosition(t - lastStepAt) : null;
      const s = sample?.players.get(p.id);
      if (!pos && s) pos = s;
      if (!pos) continue;
      sides.push({ id: p.id, x: pos.x, color: p.color });
      g.save();
      if (isMe) {
        g.shadowColor = cssColor(p.color, 0.9);
        g.shadowBlur = 14;
      }
      g.fillStyle = cssColor(p.color);
      g.fillRect(X(pos.x) - pw / 2, Y(pos.y) - ph / 2, pw, ph);
      if (isMe) {
        g.shadowBlur = 0;
        g.strokeStyle = '#f8fafc';
        g.lineWidth = 2;
        g.strokeRect(X(pos.x) - pw / 2, Y(pos.y) - ph / 2, pw, ph);
      }
      g.restore();
    }

    // Ball.
    const ball = sample?.players.get(BALL_ID);
    if (ball && state !== 'waiting') {
      g.beginPath();
      g.arc(X(ball.x), Y(ball.y), Math.max(3, PONG.ballRadius * fit.scale), 0, Math.PI * 2);
      g.fillStyle = '#f8fafc';
      g.fill();
    }

    // Score line above the field: each name over its half.
    g.font = `600 ${Math.max(12, Math.min(18, 16 * fit.scale * 1.6))}px ${FONT}`;
    g.textBaseline = 'bottom';
    for (const s of sides) {
      const left = s.x < world.width / 2;
      const score = scores[s.id] ?? 0;
      g.textAlign = left ? 'left' : 'right';
      g.fillStyle = cssColor(s.color);
      g.fillText(left ? `${nameOf(s.id)}  ${score}` : `${score}  ${nameOf(s.id)}`, left ? fit.ox + 4 : fit.ox + fit.w - 4, fit.oy - 8);
    }

    let banner = pongBanner({ state, scores, winner }, nameOf, room.you);
    if (!ctx.conn.online) banner = 'Connection lost — reconnecting…';
    else if (!banner && lastPoint && t - lastPoint.at < 1000) banner = `Point: ${nameOf(lastPoint.by)}`;
    if (banner) {
      g.font = `600 16px ${FONT}`;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      const tw = g.measureText(banner).width + 36;
      const cx = fit.ox + fit.w / 2;
      const cy = fit.oy + fit.h / 2;
      g.fillStyle = 'rgba(2, 6, 23, 0.8)';
      g.fillRect(cx - tw / 2, cy - 20, tw, 40);
      g.fillStyle = '#f8fafc';
      g.fillText(banner, cx, cy);
    }
  }

  return {
    kind: 'pong',
    wantsKeys: true,
    /** @param {import('../room.js').RoomState} r @param {any} joined parsed joined */
    enter(r, joined) {
      room = r;
      world = joined.world ? { width: joined.world[0], height: joined.world[1] } : { width: PONG.width, height: PONG.height };
      predictor.reset();
      predictor.setRules(pongRules(joined));
      snapshots.clear();
      state = r.players.size < 2 ? 'waiting' : 'playing';
      scores = {};
      winner = null;
      lastPoint = null;
      myServer = null;
      sentMoving = false;
      newest = { time: 0, receivedAt: 0 };
      ctx.keyboard.reset();
      canvas.hidden = false;
      canvas.setAttribute('aria-label', 'Pong');
      canvas.addEventListener('pointerdown', onDown);
      canvas.addEventListener('pointermove', onMove);
      canvas.addEventListener('pointerup', onUp);
      canvas.addEventListener('pointercancel', onUp);
      canvas.classList.add('touch-drag');
      clearInterval(inputTimer);
      inputTimer = setInterval(inputTick, 1000 / (joined.tick ?? PONG.tickHz));
      canvas.focus();
    },

    leave() {
      clearInterval(inputTimer);
      inputTimer = 0;
      room = null;
      snapshots.clear();
      predictor.reset();
      ctx.keyboard.reset();
      dragY = null;
      dragPointer = null;
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.classList.remove('touch-drag');
    },

    message(msg) {
      if (!room) return false;
      switch (msg.type) {
        case 'map': {
          const m = parsePongMap(msg);
          // A new match starts 0–0: forget the last winner.
          if (winner !== null && m.state === 'playing' && Object.values(m.scores).every((v) => v === 0)) winner = null;
          state = m.state;
          scores = { ...scores, ...m.scores };
          snapshots.push({ time: m.time, tick: m.tick, players: m.entries });
          if (m.time >= newest.time) newest = { time: m.time, receivedAt: ctx.clientNow() };
          if (m.tick > room.lastTick) room.lastTick = m.tick;
          const mine = m.players.get(room.you);
          if (mine) {
            myServer = mine;
            predictor.reconcile(mine.x, mine.y, mine.ack, { alive: state !== 'waiting' });
          }
          return true;
        }
        case 'point':
          if (msg.scores && typeof msg.scores === 'object') scores = { ...scores, ...msg.scores };
          lastPoint = { by: msg.by, at: performance.now() };
          ctx.playersChanged();
          return true;
        case 'match_over':
          if (msg.scores && typeof msg.scores === 'object') scores = { ...scores, ...msg.scores };
          winner = msg.winner ?? null;
          state = 'over';
          ctx.playersChanged();
          ctx.ui.addSystem(winner === room.you ? 'You won the match!' : `${nameOf(winner)} won the match.`, 'info');
          return true;
        default:
          return false;
      }
    },

    roster() {
      if (room && room.players.size < 2) state = 'waiting';
    },

    frame(t, dt) {
      if (!room) return;
      predictor.decay(dt);
      draw(t);
    },

    hud() {
      const mine = room ? scores[room.you] ?? 0 : 0;
      const other = room ? [...room.players.keys()].find((id) => id !== room.you) : null;
      return { tick: room?.lastTick, extraLabel: 'Score', extra: other ? `${mine} : ${scores[other] ?? 0}` : String(mine) };
    },

    debug: {
      get state() { return state; },
      get scores() { return { ...scores }; },
      get winner() { return winner; },
      get me() { return predictor.position ? { x: predictor.position.x, y: predictor.position.y } : null; },
      get server() { return myServer ? { x: myServer.x, y: myServer.y, ack: myServer.ack } : null; },
      get ball() { const b = snapshots.latest?.players.get(BALL_ID); return b ? { x: b.x, y: b.y, vx: b.vx, vy: b.vy } : null; },
      get seq() { return predictor.seq; },
      get pending() { return predictor.pending.length; },
      get snapshots() { return snapshots.size; },
    },
  };
}
