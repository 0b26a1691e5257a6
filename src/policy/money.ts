// Money is integer fen everywhere; these helpers are the only place percentages become fen.

/** percent of fen, rounded half-up to the fen (DOMAIN.md); percent may carry two decimals. */
export function percentOf(fen: number, percent: number): number {
  const basisPoints = Math.round(percent * 100);
  return Math.floor((fen * basisPoints + 5000) / 10000);
}

/** 40000 → "400元", 4050 → "40.50元" */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}${cents === 0 ? '' : `.${String(cents).padStart(2, '0')}`}元`;
}
