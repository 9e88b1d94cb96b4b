/**
 * Memory per N operations: the process's heap and RSS after a full garbage collection, before and after running
 * an operation `count` times one after another. What the heap keeps after collection is what the path retains
 * (caches, leaks); RSS also counts memory the engine and PGlite's WebAssembly heap took and do not give back.
 * `npm run bench` runs node with --expose-gc; without it the figures are taken without collecting first.
 */
export interface MemoryGrowth {
  name: string;
  count: number;
  seconds: number;
  heapMb: number;
  rssMb: number;
  peakRssMb: number;
}

const collect = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  // twice: the first pass may only queue finalisers whose objects the second frees
  gc?.();
  gc?.();
};

export async function memoryGrowth({ name, count, run }: { name: string; count: number; run: (i: number) => Promise<unknown> }): Promise<MemoryGrowth> {
  collect();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const started = performance.now();
  try {
    for (let i = 0; i < count; i++) await run(i);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  collect();
  const after = process.memoryUsage();
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return { name, count, seconds, heapMb: mb(after.heapUsed - before.heapUsed), rssMb: mb(after.rss - before.rss), peakRssMb: mb(Math.max(peakRss, after.rss) - before.rss) };
}

export function printMemory(results: MemoryGrowth[]) {
  const collected = typeof (globalThis as { gc?: unknown }).gc === 'function';
  console.log(`\nMemory across issuances (growth from before to after the run${collected ? ', each measured after a full GC' : '; no GC first: run node with --expose-gc'}; issue 14 asks per 10,000: BENCH_MEMORY_ISSUANCES)`);
  console.log(`${'path'.padEnd(60)}${'count'.padStart(8)}${'heap MB'.padStart(10)}${'RSS MB'.padStart(10)}${'peak RSS'.padStart(10)}${'s'.padStart(8)}`);
  for (const result of results) {
    console.log(
      `${result.name.padEnd(60)}${String(result.count).padStart(8)}${result.heapMb.toFixed(1).padStart(10)}${result.rssMb.toFixed(1).padStart(10)}${result.peakRssMb.toFixed(1).padStart(10)}${result.seconds.toFixed(1).padStart(8)}`,
    );
  }
}
