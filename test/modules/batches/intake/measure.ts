/**
 * Runs `work` and describes its cost for t.comment: elapsed time, the process's peak RSS (resourceUsage's
 * maxRSS, which catches peaks no sampling timer would see while the work never yields to timers) before and
 * after, and the heap the result still holds.
 */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; summary: string }> {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = await work();
  const elapsed = performance.now() - started;
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  const heapAfter = process.memoryUsage().heapUsed;
  return {
    result,
    summary: `${elapsed.toFixed(0)} ms; process peak RSS ${mb(peakBefore)} before, ${mb(peakAfter)} after; heap +${mb(heapAfter - heapBefore)} held by the result and garbage`,
  };
}
