// The live room list (shared protocol.md v1.1, "Live lobby"): `{"type":"rooms","watch":true}` while in the
// lobby, `watch:false` when leaving it. A v1 server ignores `watch` and answers once, so the list is also
// polled until the server shows it pushes: a `rooms` that no request of ours asked for.
// Pure logic: the caller sends the messages it returns.

/** How often the list is asked for while the server has not shown that it pushes, ms. */
export const POLL_MS = 5000;

export class RoomsFeed {
  constructor() {
    /** Requests sent whose answer has not come yet. */
    this.outstanding = 0;
    /** True once the server pushed a list nobody asked for (a v1.1 server with `watch`). */
    this.live = false;
    /** Whether the lobby is watching. */
    this.watching = false;
    this.lastAsked = -Infinity;
  }

  /** A new connection: nothing is known about the server. */
  reset() {
    this.outstanding = 0;
    this.live = false;
    this.watching = false;
    this.lastAsked = -Infinity;
  }

  /** Entering the lobby (or refreshing it): the message to send. @param {number} now ms */
  start(now = 0) {
    this.watching = true;
    this.outstanding = 1;
    this.lastAsked = now;
    return { type: 'rooms', watch: true };
  }

  /** Leaving the lobby (joining a room): the message to send, or null when not watching. */
  stop() {
    if (!this.watching) return null;
    this.watching = false;
    this.outstanding = 0; // answers still on the way are ignored
    return { type: 'rooms', watch: false };
  }

  /**
   * A periodic check: the message to send when the list must be polled now, else null.
   * @param {number} now ms
   */
  poll(now) {
    if (!this.watching || this.live || now - this.lastAsked < POLL_MS) return null;
    this.outstanding += 1;
    this.lastAsked = now;
    return { type: 'rooms', watch: true };
  }

  /**
   * A `rooms` message arrived.
   * @returns {boolean} whether the lobby should show it
   */
  received() {
    if (this.outstanding > 0) this.outstanding -= 1;
    else if (this.watching) this.live = true;
    return this.watching;
  }
}
