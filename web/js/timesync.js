// Clock synchronisation with the server (shared protocol.md, "Time sync").
//
// Pure logic, no DOM and no sockets: the caller sends `time` messages, and for each reply hands
// the send time, the receive time and the server's clock to `TimeSync.addSample`.
// All times are milliseconds since the Unix epoch.

/** How many `time` round trips make one synchronisation round (protocol.md: "sends `time` five times"). */
export const SAMPLES_PER_ROUND = 5;

/**
 * One round trip, measured the protocol's way.
 * @param {number} sentAt local clock when the `time` request left, ms
 * @param {number} receivedAt local clock when the reply arrived, ms
 * @param {number} server the server clock in the reply, ms
 * @returns {{ping: number, offset: number}} ping = receive − send; offset = server + ping/2 − receive
 */
export function measureSample(sentAt, receivedAt, server) {
  const ping = receivedAt - sentAt;
  const offset = server + ping / 2 - receivedAt;
  return { ping, offset };
}

/**
 * Arithmetic mean of the samples' offsets and pings.
 * @param {{ping: number, offset: number}[]} samples
 * @returns {{ping: number, offset: number} | null} null when there are no samples
 */
export function averageSamples(samples) {
  if (samples.length === 0) return null;
  let ping = 0;
  let offset = 0;
  for (const s of samples) {
    ping += s.ping;
    offset += s.offset;
  }
  return { ping: ping / samples.length, offset: offset / samples.length };
}

/**
 * Keeps the current estimate of (server clock − local clock).
 *
 * A round collects `samplesPerRound` samples; when it is complete its average becomes the offset.
 * Until the very first round is complete, the average of the samples so far is used, so a clock
 * mapping exists after the first reply. Later rounds (periodic re-sync) replace the estimate only
 * when they complete, so the mapping never jumps on a single noisy sample.
 */
export class TimeSync {
  /** @param {{samplesPerRound?: number}} [options] */
  constructor({ samplesPerRound = SAMPLES_PER_ROUND } = {}) {
    this.samplesPerRound = samplesPerRound;
    /** @type {{ping: number, offset: number}[]} samples of the round in progress */
    this.round = [];
    /** Current estimate of server − local, ms (0 until the first sample). */
    this.offset = 0;
    /** Average round-trip time of the last round, ms (NaN until the first sample). */
    this.ping = NaN;
    /** Ping of the newest sample, ms. */
    this.lastPing = NaN;
    /** Completed rounds. */
    this.rounds = 0;
  }

  /** True once at least one sample has been taken. */
  get synced() {
    return !Number.isNaN(this.ping);
  }

  /** True while a round still needs samples. */
  get wantsMore() {
    return this.round.length < this.samplesPerRound;
  }

  /** Starts a new round (e.g. a periodic re-sync); the current estimate stays until it completes. */
  beginRound() {
    this.round = [];
  }

  /**
   * Adds one round trip.
   * @param {number} sentAt local clock at send, ms
   * @param {number} receivedAt local clock at receive, ms
   * @param {number} server server clock from the reply, ms
   * @returns {boolean} true when this sample completed a round
   */
  addSample(sentAt, receivedAt, server) {
    if (![sentAt, receivedAt, server].every(Number.isFinite) || receivedAt < sentAt) return false;
    const sample = measureSample(sentAt, receivedAt, server);
    this.lastPing = sample.ping;
    if (!this.wantsMore) this.round = [];
    this.round.push(sample);
    const avg = averageSamples(this.round);
    const complete = this.round.length >= this.samplesPerRound;
    if (complete || this.rounds === 0) {
      this.offset = avg.offset;
      this.ping = avg.ping;
    }
    if (complete) this.rounds += 1;
    return complete;
  }

  /**
   * Maps a local clock reading to the server's clock.
   * @param {number} localMs local clock, ms
   * @returns {number} estimated server clock, ms
   */
  toServer(localMs) {
    return localMs + this.offset;
  }
}
