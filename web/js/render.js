// Canvas drawing of the arena. Knows nothing about the network: it draws a prepared view.
import { cssColor, ATTACK_WAVE_MS, SPAWN_RING_MS } from './room.js';

/** Drawn radius of a player, world units. */
export const PLAYER_RADIUS = 18;
/** Attack reach (protocol.md: "within 100 units"), world units. */
export const ATTACK_RANGE = 100;

const GRID_STEP = 50;
/** Room around the world, CSS px: names are drawn above a player and its hp bar below, even at the edges. */
const MARGIN = { top: 36, bottom: 30, side: 30 };

/**
 * Where the world sits on the canvas: uniform scale to fit, centred.
 * @param {number} cssWidth canvas width, CSS px
 * @param {number} cssHeight canvas height, CSS px
 * @param {{width: number, height: number}} world
 */
export function fitWorld(cssWidth, cssHeight, world) {
  const availW = cssWidth - 2 * MARGIN.side;
  const availH = cssHeight - MARGIN.top - MARGIN.bottom;
  const scale = Math.max(0.01, Math.min(availW / world.width, availH / world.height));
  const w = world.width * scale;
  const h = world.height * scale;
  return { scale, ox: (cssWidth - w) / 2, oy: MARGIN.top + (availH - h) / 2, w, h };
}

/** Draws frames onto one canvas, keeping its backing store matched to its CSS size and the pixel ratio. */
export class Renderer {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.dpr = 1;
  }

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(rect.width));
    const h = Math.max(1, Math.round(rect.height));
    if (w !== this.cssWidth || h !== this.cssHeight || dpr !== this.dpr) {
      this.cssWidth = w;
      this.cssHeight = h;
      this.dpr = dpr;
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
  }

  /**
   * Draws one frame.
   * @param {{world: {width: number, height: number}, now: number, players: any[], waves: any[], banner?: string}} view
   */
  draw(view) {
    this.resize();
    const { ctx } = this;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssWidth, this.cssHeight);
    const fit = fitWorld(this.cssWidth, this.cssHeight, view.world);
    const toScreen = (x, y) => [fit.ox + x * fit.scale, fit.oy + y * fit.scale];

    drawArena(ctx, fit, view.world);

    const me = view.players.find((p) => p.isMe && !p.dead);
    if (me) {
      const [mx, my] = toScreen(me.x, me.y);
      ctx.save();
      ctx.setLineDash([4, 6]);
      ctx.strokeStyle = 'rgba(148, 163, 184, 0.22)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(mx, my, ATTACK_RANGE * fit.scale, 0, Math.PI * 2);
      ctx.stroke();
      ctx.restore();
    }

    for (const w of view.waves) {
      const t = Math.min(1, w.age / ATTACK_WAVE_MS);
      const [x, y] = toScreen(w.x, w.y);
      const r = (PLAYER_RADIUS + (ATTACK_RANGE - PLAYER_RADIUS) * easeOut(t)) * fit.scale;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fillStyle = cssColor(w.color, 0.10 * (1 - t));
      ctx.fill();
      ctx.lineWidth = 2.5 * (1 - t) + 0.5;
      ctx.strokeStyle = cssColor(w.color, 0.85 * (1 - t));
      ctx.stroke();
    }

    // Draw the local player last so it is never hidden.
    const ordered = [...view.players].sort((a, b) => Number(a.isMe) - Number(b.isMe));
    for (const p of ordered) drawPlayer(ctx, p, toScreen(p.x, p.y), fit.scale, view.now);

    if (view.banner) drawBanner(ctx, fit, view.banner);
  }
}

function easeOut(t) {
  return 1 - (1 - t) * (1 - t);
}

function drawArena(ctx, fit, world) {
  ctx.save();
  ctx.shadowColor = 'rgba(56, 189, 248, 0.18)';
  ctx.shadowBlur = 24;
  ctx.fillStyle = '#0f1623';
  roundRect(ctx, fit.ox, fit.oy, fit.w, fit.h, 10);
  ctx.fill();
  ctx.restore();

  ctx.save();
  roundRect(ctx, fit.ox, fit.oy, fit.w, fit.h, 10);
  ctx.clip();
  ctx.lineWidth = 1;
  for (let g = GRID_STEP; g < Math.max(world.width, world.height); g += GRID_STEP) {
    const major = g % (GRID_STEP * 4) === 0;
    ctx.strokeStyle = major ? 'rgba(148, 163, 184, 0.10)' : 'rgba(148, 163, 184, 0.045)';
    if (g < world.width) {
      const x = Math.round(fit.ox + g * fit.scale) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, fit.oy);
      ctx.lineTo(x, fit.oy + fit.h);
      ctx.stroke();
    }
    if (g < world.height) {
      const y = Math.round(fit.oy + g * fit.scale) + 0.5;
      ctx.beginPath();
      ctx.moveTo(fit.ox, y);
      ctx.lineTo(fit.ox + fit.w, y);
      ctx.stroke();
    }
  }
  ctx.restore();

  ctx.strokeStyle = 'rgba(56, 189, 248, 0.35)';
  ctx.lineWidth = 1.5;
  roundRect(ctx, fit.ox, fit.oy, fit.w, fit.h, 10);
  ctx.stroke();
}

function drawPlayer(ctx, p, [x, y], scale, now) {
  const r = Math.max(7, PLAYER_RADIUS * scale);
  ctx.save();

  if (p.spawnAge != null && p.spawnAge < SPAWN_RING_MS) {
    const t = p.spawnAge / SPAWN_RING_MS;
    ctx.beginPath();
    ctx.arc(x, y, r * (1 + 2.5 * easeOut(t)), 0, Math.PI * 2);
    ctx.strokeStyle = cssColor(p.color, 0.7 * (1 - t));
    ctx.lineWidth = 3;
    ctx.stroke();
  }

  if (p.dead) {
    ctx.globalAlpha = 0.45;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = '#334155';
    ctx.fill();
    ctx.strokeStyle = cssColor(p.color, 0.8);
    ctx.lineWidth = 2;
    ctx.setLineDash([3, 3]);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = '#f87171';
    ctx.lineWidth = 2.5;
    const k = r * 0.45;
    ctx.beginPath();
    ctx.moveTo(x - k, y - k);
    ctx.lineTo(x + k, y + k);
    ctx.moveTo(x + k, y - k);
    ctx.lineTo(x - k, y + k);
    ctx.stroke();
    ctx.globalAlpha = 0.7;
    drawLabel(ctx, p, x, y, r);
    ctx.restore();
    return;
  }

  if (p.idle) {
    // No input for a while (idle, or disconnected with the seat kept): greyed, with a dashed ring.
    ctx.globalAlpha = 0.5;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = '#475569';
    ctx.fill();
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = cssColor(p.color, 0.9);
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.setLineDash([]);
    drawLabel(ctx, { ...p, name: `${p.name} · ${p.away ? 'reconnecting' : 'idle'}` }, x, y, r);
    if (!p.away) drawHpBar(ctx, p.hp, x, y + r + 7); // a dropped player's hp is not shown as if it were playing
    ctx.restore();
    return;
  }

  if (p.isMe) {
    ctx.shadowColor = cssColor(p.color, 0.9);
    ctx.shadowBlur = 18;
  }
  const grad = ctx.createRadialGradient(x - r * 0.35, y - r * 0.35, r * 0.1, x, y, r);
  grad.addColorStop(0, cssColor(p.color.map((c) => Math.min(255, c + 60))));
  grad.addColorStop(1, cssColor(p.color));
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = grad;
  ctx.fill();
  ctx.shadowBlur = 0;
  ctx.lineWidth = p.isMe ? 3 : 1.5;
  ctx.strokeStyle = p.isMe ? '#f8fafc' : 'rgba(15, 23, 42, 0.8)';
  ctx.stroke();

  if (p.flash > 0) {
    ctx.beginPath();
    ctx.arc(x, y, r + 1, 0, Math.PI * 2);
    ctx.fillStyle = `rgba(255, 255, 255, ${0.75 * p.flash})`;
    ctx.fill();
    ctx.beginPath();
    ctx.arc(x, y, r + 4 + 6 * (1 - p.flash), 0, Math.PI * 2);
    ctx.strokeStyle = `rgba(248, 113, 113, ${p.flash})`;
    ctx.lineWidth = 2;
    ctx.stroke();
  }

  drawLabel(ctx, p, x, y, r);
  drawHpBar(ctx, p.hp, x, y + r + 7);
  ctx.restore();
}

function drawLabel(ctx, p, x, y, r) {
  ctx.font = `${p.isMe ? 600 : 500} 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  const label = p.isMe ? `${p.name} (you)` : p.name;
  const ty = y - r - 6;
  // Keep long names inside the canvas at the world's edges.
  const half = ctx.measureText(label).width / 2 + (p.isHost ? 14 : 2);
  const cw = ctx.canvas.width / (ctx.getTransform().a || 1);
  if (cw > 2 * half) x = Math.max(half, Math.min(cw - half, x));
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(2, 6, 23, 0.85)';
  ctx.strokeText(label, x, ty);
  ctx.fillStyle = p.isMe ? '#f8fafc' : '#cbd5e1';
  ctx.fillText(label, x, ty);
  if (p.isHost) {
    const w = ctx.measureText(label).width;
    drawCrown(ctx, x - w / 2 - 11, ty - 7);
  }
}

function drawCrown(ctx, cx, cy) {
  ctx.save();
  ctx.fillStyle = '#fbbf24';
  ctx.strokeStyle = 'rgba(2, 6, 23, 0.85)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(cx - 6, cy + 4);
  ctx.lineTo(cx - 6, cy - 3);
  ctx.lineTo(cx - 3, cy);
  ctx.lineTo(cx, cy - 5);
  ctx.lineTo(cx + 3, cy);
  ctx.lineTo(cx + 6, cy - 3);
  ctx.lineTo(cx + 6, cy + 4);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

function drawHpBar(ctx, hp, x, y) {
  const w = 36;
  const h = 5;
  const frac = Math.max(0, Math.min(1, hp / 100));
  ctx.fillStyle = 'rgba(2, 6, 23, 0.8)';
  roundRect(ctx, x - w / 2 - 1, y - 1, w + 2, h + 2, 3);
  ctx.fill();
  ctx.fillStyle = frac > 0.6 ? '#4ade80' : frac > 0.3 ? '#facc15' : '#f87171';
  if (frac > 0) {
    roundRect(ctx, x - w / 2, y, w * frac, h, 2);
    ctx.fill();
  }
}

function drawBanner(ctx, fit, text) {
  const cx = fit.ox + fit.w / 2;
  const cy = fit.oy + Math.min(70, fit.h / 4);
  ctx.save();
  ctx.font = '600 18px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const tw = ctx.measureText(text).width + 40;
  ctx.fillStyle = 'rgba(2, 6, 23, 0.75)';
  roundRect(ctx, cx - tw / 2, cy - 22, tw, 44, 12);
  ctx.fill();
  ctx.strokeStyle = 'rgba(148, 163, 184, 0.25)';
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.fillStyle = '#f8fafc';
  ctx.fillText(text, cx, cy);
  ctx.restore();
}

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
