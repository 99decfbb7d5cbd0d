// Touch controls for phones: a virtual stick (direction) and an attack button, on pointer events.
// `stickVector` is pure; `TouchControls` wires the DOM elements it is given.

/**
 * The direction for a stick deflected by (dx, dy) CSS px on a stick of `radius` px: length 0–1 (1 at the rim
 * and beyond), 0 inside the dead zone (a fraction of the radius), rescaled so it starts from 0 at its edge.
 * @returns {[number, number]}
 */
export function stickVector(dx, dy, radius, deadzone = 0.18) {
  const len = Math.hypot(dx, dy);
  if (!(radius > 0) || !Number.isFinite(len) || len <= radius * deadzone) return [0, 0];
  const mag = Math.min(1, (len / radius - deadzone) / (1 - deadzone));
  const round = (v) => Math.round(v * 1e4) / 1e4 || 0;
  return [round((dx / len) * mag), round((dy / len) * mag)];
}

/** The knob's offset from the stick's centre, px: the deflection, kept inside the rim. */
export function knobOffset(dx, dy, radius) {
  const len = Math.hypot(dx, dy);
  if (len <= radius || len === 0) return [dx, dy];
  return [(dx / len) * radius, (dy / len) * radius];
}

/** A virtual stick and an attack button. */
export class TouchControls {
  /**
   * @param {{stick: HTMLElement, knob: HTMLElement, attack: HTMLElement, onAttack?: () => void}} elements
   */
  constructor({ stick, knob, attack, onAttack }) {
    this.stick = stick;
    this.knob = knob;
    this.attack = attack;
    this.onAttack = onAttack ?? null;
    /** @type {[number, number]} */
    this.vector = [0, 0];
    this.pointer = null;
    this.centre = { x: 0, y: 0 };
    this.radius = 1;
    this.attackQueued = false;

    stick.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      this.pointer = e.pointerId;
      try { stick.setPointerCapture(e.pointerId); } catch { /* synthetic events */ }
      const r = stick.getBoundingClientRect();
      this.centre = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      this.radius = Math.max(1, r.width / 2 - 8);
      this.move(e);
    });
    stick.addEventListener('pointermove', (e) => {
      if (e.pointerId === this.pointer) this.move(e);
    });
    const end = (e) => {
      if (e.pointerId !== this.pointer) return;
      this.pointer = null;
      this.vector = [0, 0];
      this.knob.style.transform = '';
      stick.classList.remove('active');
    };
    stick.addEventListener('pointerup', end);
    stick.addEventListener('pointercancel', end);
    stick.addEventListener('lostpointercapture', end);

    attack.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      this.attackQueued = true;
      attack.classList.add('active');
      this.onAttack?.();
    });
    const release = () => attack.classList.remove('active');
    attack.addEventListener('pointerup', release);
    attack.addEventListener('pointercancel', release);
    attack.addEventListener('pointerleave', release);
    // No long-press menus or double-tap zoom on the controls.
    for (const el of [stick, attack]) el.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  move(e) {
    const dx = e.clientX - this.centre.x;
    const dy = e.clientY - this.centre.y;
    this.vector = stickVector(dx, dy, this.radius);
    const [kx, ky] = knobOffset(dx, dy, this.radius);
    this.knob.style.transform = `translate(${kx}px, ${ky}px)`;
    this.stick.classList.add('active');
  }

  /** Whether the stick is held. */
  get active() {
    return this.pointer !== null;
  }

  /** Returns and clears a queued attack. */
  takeAttack() {
    const a = this.attackQueued;
    this.attackQueued = false;
    return a;
  }

  reset() {
    this.pointer = null;
    this.vector = [0, 0];
    this.attackQueued = false;
    this.knob.style.transform = '';
  }
}
