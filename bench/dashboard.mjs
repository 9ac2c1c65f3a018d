// dashboard.mjs URL TOKEN RUNS - GET URL with the bearer TOKEN RUNS times, one
// after another over one keep-alive connection (after 50 warm-up requests),
// and print "median_ms p99_ms" of the response times.
const [url, token, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 1000);
const headers = { authorization: `Bearer ${token}` };
async function once() {
  const t0 = process.hrtime.bigint();
  const r = await fetch(url, { headers });
  const body = await r.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 200) {
    console.error(`GET ${url}: ${r.status} ${Buffer.from(body).toString().slice(0, 300)}`);
    process.exit(1);
  }
  return ms;
}
for (let i = 0; i < 50; i++) await once();
const t = [];
for (let i = 0; i < runs; i++) t.push(await once());
t.sort((a, b) => a - b);
const q = (p) => t[Math.min(t.length - 1, Math.floor(p * t.length))];
console.log(`${q(0.5).toFixed(3)} ${q(0.99).toFixed(3)}`);
