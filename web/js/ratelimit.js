// Client-side pacing under the server's per-connection limits (protocol.md v1.1: 30 `draw`/s, 60 `relay`/s,
// 5 `chat`/s). Pure logic: times are passed in.

/** A token bucket: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  /**
   * @param {number} rate tokens per second
   * @param {number} [burst] bucket size (default: one second's worth)
   */
  constructor(rate, burst = rate) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.at = null;
  }

  refill(now) {
    if (this.at === null) this.at = now;
    const dt = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + dt * this.rate);
    this.at = now;
  }

  /**
   * Takes one token if there is one.
   * @param {number} now ms
   */
  take(now) {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Ms until a token is available (0 when one is). @param {number} now */
  wait(now) {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }
}

/**
 * A FIFO of messages sent no faster than a bucket allows; order is kept.
 * The owner calls `pump(now)` (e.g. from a timer) and gets the messages that may go now.
 */
export class PacedQueue {
  /** @param {TokenBucket} bucket @param {number} [limit] most messages kept; older ones are dropped */
  constructor(bucket, limit = 500) {
    this.bucket = bucket;
    this.limit = limit;
    /** @type {any[]} */
    this.items = [];
    this.dropped = 0;
  }

  push(item) {
    this.items.push(item);
    if (this.items.length > this.limit) {
      this.dropped += this.items.length - this.limit;
      this.items.splice(0, this.items.length - this.limit);
    }
  }

  /** The messages that may be sent now, oldest first. @param {number} now ms */
  pump(now) {
    const out = [];
    while (this.items.length > 0 && this.bucket.take(now)) out.push(this.items.shift());
    return out;
  }

  /** Ms until the next message may go (0 when empty or now). @param {number} now */
  wait(now) {
    return this.items.length === 0 ? 0 : this.bucket.wait(now);
  }

  clear() {
    this.items = [];
  }

  get size() {
    return this.items.length;
  }
}
