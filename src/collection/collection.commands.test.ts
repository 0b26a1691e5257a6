import { describe, expect, it } from 'vitest';
import { yuanToFen } from './collection.commands.js';

describe('amounts typed in yuan', () => {
  it('become exact fen', () => {
    expect([yuanToFen('40'), yuanToFen('40.5'), yuanToFen('40.05'), yuanToFen(' 1070 ')]).toEqual([
      4000, 4050, 4005, 107000,
    ]);
  });
  it('finer than a fen, negative or not a number is refused, never rounded', () => {
    for (const bad of ['40.005', '-40', '四十', '', '1e3']) expect(() => yuanToFen(bad)).toThrow(/金额/);
  });
});
