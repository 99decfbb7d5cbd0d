import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeSync, measureSample, averageSamples, SAMPLES_PER_ROUND } from '../js/timesync.js';

test('one sample: ping = receive − send, offset = server + ping/2 − receive', () => {
  const s = measureSample(1000, 1040, 6020);
  assert.equal(s.ping, 40);
  assert.equal(s.offset, 6020 + 20 - 1040); // 5000
});

test('the offset is the average of five samples', () => {
  const sync = new TimeSync();
  // The server clock runs 5000 ms ahead; pings differ, and the reply time is not always mid-trip.
  const trips = [
    [0, 20, 5012],   // offset 5002
    [100, 140, 5118], // offset 4998
    [200, 230, 5215], // offset 5000
    [300, 310, 5306], // offset 5001
    [400, 450, 5424], // offset 4999
  ];
  const offsets = trips.map(([a, b, s]) => measureSample(a, b, s).offset);
  let completed = false;
  for (const [a, b, s] of trips) completed = sync.addSample(a, b, s);
  assert.equal(completed, true);
  assert.equal(sync.rounds, 1);
  assert.equal(SAMPLES_PER_ROUND, 5);
  assert.equal(sync.offset, offsets.reduce((x, y) => x + y) / 5);
  assert.equal(sync.offset, 5000);
  assert.equal(sync.ping, (20 + 40 + 30 + 10 + 50) / 5);
  assert.equal(sync.toServer(10_000), 15_000);
});

test('a later round replaces the estimate only when complete', () => {
  const sync = new TimeSync();
  for (let i = 0; i < 5; i++) sync.addSample(i * 100, i * 100 + 20, i * 100 + 10 + 1000); // offset 1000
  assert.equal(sync.offset, 1000);
  sync.beginRound();
  sync.addSample(1000, 1020, 1010 + 3000); // offset 3000
  assert.equal(sync.offset, 1000, 'one sample of a new round must not move the clock');
  for (let i = 1; i < 5; i++) sync.addSample(1000 + i * 100, 1020 + i * 100, 1010 + i * 100 + 3000);
  assert.equal(sync.offset, 3000);
  assert.equal(sync.rounds, 2);
});

test('before the first round completes the running average is used', () => {
  const sync = new TimeSync();
  assert.equal(sync.synced, false);
  sync.addSample(0, 10, 105); // offset 100
  sync.addSample(0, 10, 125); // offset 120
  assert.equal(sync.synced, true);
  assert.equal(sync.offset, 110);
});

test('nonsense samples are ignored', () => {
  const sync = new TimeSync();
  assert.equal(sync.addSample(100, 50, 1000), false);
  assert.equal(sync.addSample(NaN, 50, 1000), false);
  assert.equal(sync.synced, false);
  assert.equal(averageSamples([]), null);
});
