// Whisper latency across gateways: A on gateway 1 whispers to B on gateway 2; time from send to B's receipt.
const [g1, g2, n] = [process.argv[2], process.argv[3], Number(process.argv[4] ?? 500)];
function open(url, name) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const waiters = [];
    ws.onmessage = (e) => { const m = JSON.parse(e.data); for (const w of [...waiters]) if (w.match(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); } };
    ws.onerror = reject;
    ws.onopen = () => resolve({ ws, next: (match) => new Promise((res) => waiters.push({ match, resolve: res })), name });
  });
}
const a = await open(g1, 'A'), b = await open(g2, 'B');
a.ws.send(JSON.stringify({ type: 'hello', name: 'Ada' })); const wa = await a.next((m) => m.type === 'welcome');
b.ws.send(JSON.stringify({ type: 'hello', name: 'Bob' })); const wb = await b.next((m) => m.type === 'welcome');
const lat = [];
for (let i = 0; i < n; i++) {
  const got = b.next((m) => m.type === 'chat' && m.text === `w${i}`);
  const t0 = performance.now();
  a.ws.send(JSON.stringify({ type: 'chat', text: `w${i}`, to: wb.id }));
  await got; lat.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 210)); // under 5 chats per second
  if (i === 20) lat.length = 0; // warm-up
}
lat.sort((x, y) => x - y);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2);
console.log(`whisper across gateways: n ${lat.length} p50 ${q(0.5)} ms p90 ${q(0.9)} ms p99 ${q(0.99)} ms max ${lat[lat.length - 1].toFixed(2)} ms`);
process.exit(0);
