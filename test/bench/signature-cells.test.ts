/**
 * bench:signatures' inputs, checked without timing anything: each scheme's cell (built from its fixture in
 * test/helpers/scheme-fixtures.ts) is accepted by ours, by the floor and by every official library it races.
 */
import { describe, expect, it } from 'vitest';
import { SCHEME_NAMES, schemes } from '../../lambdas/core/signatures/index';
import { buildCell, floorImpl, oursImpl } from '../../bench/signatures/cells';
import { peerImpls } from '../../bench/signatures/peers';

describe('bench:signatures cells', () => {
  // Peers read the clock themselves, so the cells are signed now, as the benchmark signs them.
  const now = () => Math.floor(Date.now() / 1000);

  it.each(SCHEME_NAMES)('%s: ours, the floor and each peer accept the signed request', async (name) => {
    const cell = buildCell(schemes, name, 1024, now());

    expect(cell.request.body.byteLength).toBe(1024);
    expect(oursImpl(cell).run(1)).toBe(1);
    expect(floorImpl(cell.floor).run(1)).toBe(1);
    for (const peer of peerImpls(cell))
      expect({ peer: peer.label, ok: await peer.run(1) }).toEqual({ peer: peer.label, ok: 1 });
  });

  it('a floor over other bytes than the scheme signs accepts nothing', () => {
    const cell = buildCell(schemes, 'stripe', 1024, now());
    const floor = { ...cell.floor, signed: Buffer.concat([cell.floor.signed, Buffer.from(' ')]) };
    expect(floorImpl(floor).run(1)).toBe(0);
  });
});
