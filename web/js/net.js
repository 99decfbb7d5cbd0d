// The WebSocket connection to the gateway: `hello` on every (re)connect, the resume token kept in
// sessionStorage, and reconnection with exponential backoff (shared protocol.md, `hello`/`welcome`).

const TOKEN_KEY = 'arena.token';
const NAME_KEY = 'arena.name';

/** First reconnect delay, ms. */
export const BACKOFF_BASE_MS = 500;
/** Longest reconnect delay, ms. */
export const BACKOFF_MAX_MS = 8000;

/**
 * Delay before reconnect attempt `attempt` (0-based): 500 ms, 1 s, 2 s, 4 s, then 8 s, plus up to 25 % jitter.
 * @param {number} attempt
 * @param {number} [random] a number in [0, 1)
 */
export function backoffDelay(attempt, random = Math.random()) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 + 0.25 * random));
}

/** The gateway's WebSocket URL: `?ws=` overrides, otherwise `ws(s)://<this host>/ws`. */
export function defaultSocketUrl(location = globalThis.location) {
  const override = new URLSearchParams(location.search).get('ws');
  if (override) return override;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws`;
}

function storage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** The saved session (name and resume token), if any. */
export function savedSession() {
  const s = storage();
  return { name: s?.getItem(NAME_KEY) ?? '', token: s?.getItem(TOKEN_KEY) ?? null };
}

/**
 * One logical connection that survives socket drops.
 *
 * Events (CustomEvent, `detail` shown):
 * - `state`: `{state, attempt, delay}` where state is `connecting` | `open` (socket up, `hello` sent) |
 *   `online` (`welcome` received) | `reconnecting` | `offline` (closed by the user)
 * - `message`: the parsed server message
 * - `welcome`: the `welcome` message, plus `resumed` (same player id as before)
 */
export class Connection extends EventTarget {
  /** @param {string} url */
  constructor(url) {
    super();
    this.url = url;
    this.state = 'offline';
    this.socket = null;
    this.name = '';
    this.token = savedSession().token;
    this.playerId = null;
    this.attempt = 0;
    this.reconnectTimer = 0;
    this.wanted = false;
    this.sent = 0;
    this.received = 0;
  }

  get online() {
    return this.state === 'online';
  }

  /** Opens the connection as `name` (resuming with the saved token when there is one). */
  connect(name) {
    this.name = name;
    storage()?.setItem(NAME_KEY, name);
    this.wanted = true;
    this.attempt = 0;
    clearTimeout(this.reconnectTimer);
    this.open();
  }

  /** Closes for good and forgets the resume token. */
  disconnect() {
    this.wanted = false;
    clearTimeout(this.reconnectTimer);
    this.token = null;
    this.playerId = null;
    storage()?.removeItem(TOKEN_KEY);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, 'bye');
    this.setState('offline');
  }

  /**
   * Sends one message if the socket is open.
   * @returns {boolean} whether it was sent
   */
  send(message) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    this.sent += 1;
    return true;
  }

  open() {
    if (this.socket) {
      const old = this.socket;
      this.socket = null;
      old.close();
    }
    this.setState(this.attempt === 0 && !this.playerId ? 'connecting' : 'reconnecting');
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      const hello = { type: 'hello', name: this.name };
      if (this.token) hello.token = this.token;
      this.send(hello);
      this.setState('open');
    });
    socket.addEventListener('message', (ev) => {
      if (this.socket !== socket || typeof ev.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      this.received += 1;
      if (msg.type === 'welcome') this.onWelcome(msg);
      this.dispatchEvent(new CustomEvent('message', { detail: msg }));
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.wanted) this.scheduleReconnect();
      else this.setState('offline');
    });
  }

  onWelcome(msg) {
    const resumed = this.playerId !== null && msg.id === this.playerId;
    this.playerId = msg.id;
    this.token = msg.token ?? null;
    if (this.token) storage()?.setItem(TOKEN_KEY, this.token);
    this.attempt = 0;
    this.setState('online');
    this.dispatchEvent(new CustomEvent('welcome', { detail: { ...msg, resumed } }));
  }

  scheduleReconnect() {
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.setState('reconnecting', { delay });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.wanted) this.open();
    }, delay);
  }

  setState(state, extra = {}) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, attempt: this.attempt, ...extra } }));
  }
}
