// Keyboard input: WASD / arrow keys give a direction, space an attack.
// Keys typed into text fields are ignored; all keys are released when the window loses focus.

const DIRECTIONS = {
  KeyW: [0, -1], ArrowUp: [0, -1],
  KeyS: [0, 1], ArrowDown: [0, 1],
  KeyA: [-1, 0], ArrowLeft: [-1, 0],
  KeyD: [1, 0], ArrowRight: [1, 0],
};

function isTyping(target) {
  if (!target || !(target instanceof Element)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Tracks held keys and attack presses. */
export class Keyboard {
  /** @param {{enabled: () => boolean}} options enabled: whether the game takes keys now */
  constructor({ enabled }) {
    this.enabled = enabled;
    /** @type {Set<string>} */
    this.held = new Set();
    this.attackQueued = false;
    this.onAttack = null;
    window.addEventListener('keydown', (e) => this.keydown(e));
    window.addEventListener('keyup', (e) => this.held.delete(e.code));
    window.addEventListener('blur', () => this.held.clear());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.held.clear();
    });
  }

  keydown(e) {
    if (!this.enabled() || isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.code in DIRECTIONS) {
      this.held.add(e.code);
      e.preventDefault();
    } else if (e.code === 'Space') {
      e.preventDefault();
      if (!e.repeat) {
        this.attackQueued = true;
        this.onAttack?.();
      }
    }
  }

  /** The held direction, each axis in [-1, 1] (not yet normalised). */
  direction() {
    let x = 0;
    let y = 0;
    for (const code of this.held) {
      const d = DIRECTIONS[code];
      if (d) {
        x += d[0];
        y += d[1];
      }
    }
    return [Math.max(-1, Math.min(1, x)), Math.max(-1, Math.min(1, y))];
  }

  /** Returns and clears the queued attack. */
  takeAttack() {
    const a = this.attackQueued;
    this.attackQueued = false;
    return a;
  }

  /** Releases everything (e.g. when leaving a room). */
  reset() {
    this.held.clear();
    this.attackQueued = false;
  }
}
