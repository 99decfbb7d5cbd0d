// The shared whiteboard (kind `board`, protocol.md v1.1): draw with mouse, pen or finger (pointer events),
// pick a colour and a width; the history comes from `joined.strokes`, strokes from everyone (the own ones
// echoed) from `draw`; the host may `clear`. Long strokes go out in pieces of ≤ 256 points while being drawn,
// at most 20 `draw` per second (the server allows 30).
import { BoardHistory, StrokeBuilder, drawMessages, isValidDraw, hexToRgb, clampWidth, BOARD_SIZE, CLIENT_DRAWS_PER_SECOND } from '../board-model.js';
import { TokenBucket, PacedQueue } from '../ratelimit.js';
import { cssColor } from '../room.js';

/** How often pieces of a stroke being drawn are sent, ms. */
const FLUSH_MS = 100;
/** A stroke of ours not echoed within this is forgotten (dropped or rejected by the server), ms. */
const PENDING_TTL_MS = 4000;

/** @param {number[]} c */
const toHex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** @param {any} ctx the shell's view context (main.js) */
export function createBoardView(ctx) {
  const root = ctx.$('board-view');
  const canvas = /** @type {HTMLCanvasElement} */ (ctx.$('board'));
  const g = canvas.getContext('2d');
  const layer = document.createElement('canvas');
  const lg = layer.getContext('2d');
  const colorInput = /** @type {HTMLInputElement} */ (ctx.$('board-color'));
  const widthInput = /** @type {HTMLInputElement} */ (ctx.$('board-width'));
  const clearBtn = ctx.$('board-clear');
  const history = new BoardHistory();
  const builder = new StrokeBuilder();
  const queue = new PacedQueue(new TokenBucket(CLIENT_DRAWS_PER_SECOND, 8));
  /** Our strokes sent or queued and not yet echoed: {msg, at}. */
  let pending = [];
  let room = null;
  let timer = 0;
  let pointer = null;
  let size = 0;
  let dpr = 1;
  let dirty = true;
  let sent = 0;

  const color = () => hexToRgb(colorInput.value);
  const width = () => clampWidth(widthInput.value);

  function toBoard(e) {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * BOARD_SIZE, ((e.clientY - r.top) / r.height) * BOARD_SIZE];
  }

  function strokePath(c2d, points, rgb, w, scale) {
    c2d.strokeStyle = cssColor(rgb);
    c2d.fillStyle = cssColor(rgb);
    c2d.lineWidth = Math.max(1, w * scale);
    c2d.lineCap = 'round';
    c2d.lineJoin = 'round';
    const [x0, y0] = points[0];
    const same = points.every((p) => p[0] === x0 && p[1] === y0);
    if (same) {
      c2d.beginPath();
      c2d.arc(x0 * scale, y0 * scale, Math.max(0.5, (w * scale) / 2), 0, Math.PI * 2);
      c2d.fill();
      return;
    }
    c2d.beginPath();
    c2d.moveTo(x0 * scale, y0 * scale);
    for (let i = 1; i < points.length; i++) c2d.lineTo(points[i][0] * scale, points[i][1] * scale);
    c2d.stroke();
  }

  /** Keeps the canvas square, filling its box, and redraws the history layer when the size changes. */
  function resize() {
    const box = canvas.parentElement.getBoundingClientRect();
    const side = Math.max(50, Math.floor(Math.min(box.width, box.height)));
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    if (side === size && ratio === dpr) return;
    size = side;
    dpr = ratio;
    canvas.style.width = `${side}px`;
    canvas.style.height = `${side}px`;
    canvas.width = layer.width = Math.round(side * ratio);
    canvas.height = layer.height = Math.round(side * ratio);
    repaintLayer();
  }

  function repaintLayer() {
    lg.setTransform(1, 0, 0, 1, 0, 0);
    lg.clearRect(0, 0, layer.width, layer.height);
    const scale = layer.width / BOARD_SIZE;
    for (const s of history.strokes) strokePath(lg, s.points, s.color, s.width, scale);
    dirty = true;
  }

  function paint() {
    resize();
    if (!dirty) return;
    dirty = false;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = '#f8fafc';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(layer, 0, 0);
    const scale = canvas.width / BOARD_SIZE;
    for (const p of pending) strokePath(g, p.msg.points, p.msg.color, p.msg.width, scale);
    if (builder.active && builder.points.length > 0) strokePath(g, builder.points, color(), width(), scale);
  }

  function enqueue(pieces) {
    const rgb = color();
    const w = width();
    for (const pts of pieces) {
      for (const msg of drawMessages(pts, rgb, w)) {
        if (!isValidDraw(msg)) continue;
        queue.push(msg);
        pending.push({ msg, at: performance.now() });
      }
    }
    dirty = true;
  }

  function tick() {
    if (!room) return;
    if (builder.active) enqueue(builder.take(false));
    const now = performance.now();
    for (const msg of queue.pump(now)) {
      if (ctx.send(msg)) sent += 1;
    }
    const before = pending.length;
    pending = pending.filter((p) => now - p.at < PENDING_TTL_MS);
    if (pending.length !== before) dirty = true;
  }

  const onDown = (e) => {
    if (!room || e.button > 0) return;
    e.preventDefault();
    pointer = e.pointerId;
    try { canvas.setPointerCapture(e.pointerId); } catch { /* synthetic */ }
    const [x, y] = toBoard(e);
    builder.begin(x, y);
    dirty = true;
  };
  const onMove = (e) => {
    if (e.pointerId !== pointer || !builder.active) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const [x, y] = toBoard(ev);
      builder.add(x, y);
    }
    dirty = true;
  };
  const onUp = (e) => {
    if (e.pointerId !== pointer) return;
    pointer = null;
    if (e.type === 'pointerup') {
      const [x, y] = toBoard(e);
      builder.add(x, y);
    }
    enqueue(builder.take(true));
    tick();
  };

  function updateClear() {
    const host = room && room.host === room.you;
    clearBtn.hidden = !host;
  }

  clearBtn.addEventListener('click', () => {
    if (!room) return;
    if (room.host !== room.you) {
      ctx.ui.toast('host only', `Only the host (${room.nameOf(room.host)}) can clear the board.`, 'info');
      return;
    }
    ctx.send({ type: 'clear' });
  });
  widthInput.addEventListener('input', () => {
    ctx.$('board-width-value').textContent = String(width());
  });
  for (const b of root.querySelectorAll('[data-color]')) {
    b.addEventListener('click', () => {
      colorInput.value = /** @type {HTMLElement} */ (b).dataset.color;
      markSwatch();
    });
  }
  colorInput.addEventListener('input', markSwatch);
  function markSwatch() {
    for (const b of root.querySelectorAll('[data-color]')) {
      b.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (b).dataset.color.toLowerCase() === colorInput.value.toLowerCase()));
    }
  }

  return {
    kind: 'board',
    wantsKeys: false,
    /** @param {import('../room.js').RoomState} r @param {any} joined parsed joined */
    enter(r, joined) {
      room = r;
      history.load(joined.strokes);
      pending = [];
      queue.clear();
      sent = 0;
      if (r.me?.color) colorInput.value = toHex(r.me.color);
      markSwatch();
      ctx.$('board-width-value').textContent = String(width());
      root.hidden = false;
      size = 0;
      canvas.addEventListener('pointerdown', onDown);
      canvas.addEventListener('pointermove', onMove);
      canvas.addEventListener('pointerup', onUp);
      canvas.addEventListener('pointercancel', onUp);
      updateClear();
      clearInterval(timer);
      timer = setInterval(tick, FLUSH_MS);
      dirty = true;
    },

    leave() {
      clearInterval(timer);
      timer = 0;
      room = null;
      root.hidden = true;
      builder.take(true);
      pointer = null;
      queue.clear();
      pending = [];
      history.clear();
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
    },

    message(msg) {
      if (!room) return false;
      if (msg.type === 'draw') {
        const s = history.add(msg);
        if (String(msg.from) === room.you && pending.length) pending.shift();
        if (s) {
          strokePath(lg, s.points, s.color, s.width, layer.width / BOARD_SIZE);
        }
        dirty = true;
        return true;
      }
      if (msg.type === 'clear') {
        history.clear();
        repaintLayer();
        const by = msg.by === room.you ? 'You' : room.nameOf(msg.by);
        ctx.ui.addSystem(`${by} cleared the board.`, 'info');
        return true;
      }
      return false;
    },

    /** `not_host` (e.g. the host changed before our `clear` arrived): said nicely, once. */
    error(code) {
      if (!room) return false;
      if (code === 'not_host') {
        ctx.ui.toast('host only', `Only the host (${room.nameOf(room.host)}) can clear the board.`, 'info');
        updateClear();
        return true;
      }
      if (code === 'rate_limited') {
        ctx.ui.toast('slow down', 'Drawing too fast: some strokes were dropped.', 'info');
        return true;
      }
      return false;
    },

    roster() {
      updateClear();
    },

    frame() {
      if (room) paint();
    },

    hud() {
      return { tick: null, extraLabel: 'Strokes', extra: String(history.size) };
    },

    debug: {
      get strokes() { return history.size; },
      get pending() { return pending.length; },
      get queued() { return queue.size; },
      get sent() { return sent; },
      get color() { return color(); },
      get width() { return width(); },
    },
  };
}
