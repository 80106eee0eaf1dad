/** Small statistics for reports. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A distribution-free confidence interval for the median of `xs` (order statistics: the k-th
 * smallest and the k-th largest, k the largest with P(Binomial(n, 1/2) < k) <= (1 - level) / 2).
 * No assumption about the spread of a shared machine's runs. Null when n is too small for the
 * level (under 6 values at 95 %).
 */
export function medianInterval(xs: readonly number[], level = 0.95): [number, number] | null {
  const n = xs.length;
  const tail = (1 - level) / 2;
  // P(X <= i) for X ~ Binomial(n, 1/2), summed in log space (2^-n underflows past n = 1074)
  let logP = -n * Math.LN2;
  let below = 0; // P(X < k) for the k tried next
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (below + Math.exp(logP) > tail) break;
    below += Math.exp(logP);
    k = i + 1;
    logP += Math.log((n - i) / (i + 1));
  }
  if (k === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return [s[k - 1], s[n - k]];
}
