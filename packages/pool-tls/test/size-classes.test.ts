import { describe, expect, it } from 'vitest';
import { classLookup, defaultClassSizes } from '../src/size-classes.js';

describe('size classes', () => {
  const sizes = defaultClassSizes();
  const lookup = classLookup(sizes);

  it('run from 16 B to 64 KiB, increasing multiples of 8', () => {
    expect(sizes[0]).toBe(16);
    expect(sizes[sizes.length - 1]).toBe(65536);
    for (let i = 1; i < sizes.length; i++) {
      expect(sizes[i]).toBeGreaterThan(sizes[i - 1]);
      expect(sizes[i] % 8).toBe(0);
    }
  });

  it('map every size to the smallest class that holds it, wasting at most 25% above 64 B', () => {
    for (let size = 0; size <= 65536; size++) {
      const cls = lookup[(size + 7) >>> 3];
      expect(sizes[cls]).toBeGreaterThanOrEqual(size);
      if (cls > 0) expect(sizes[cls - 1]).toBeLessThan(size);
      if (size > 64) expect((sizes[cls] - size) / sizes[cls]).toBeLessThanOrEqual(0.25);
      else expect(sizes[cls] - Math.max(size, 16)).toBeLessThan(8);
    }
  });

  it('take a custom table', () => {
    const t = classLookup([8, 24, 4096]);
    expect(t[(1 + 7) >>> 3]).toBe(0);
    expect(t[(9 + 7) >>> 3]).toBe(1);
    expect(t[(25 + 7) >>> 3]).toBe(2);
    expect(t[(4096 + 7) >>> 3]).toBe(2);
  });
});
