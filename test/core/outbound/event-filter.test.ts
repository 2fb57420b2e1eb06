import { describe, expect, it } from 'vitest';
import { isEventType, isFilterPattern, matchesFilter } from '../../../lambdas/core/outbound/event-filter';

describe('matchesFilter()', () => {
  it.each([
    [['*'], 'invoice.paid'],
    [['invoice.paid'], 'invoice.paid'],
    [['invoice.*'], 'invoice.paid'],
    [['invoice.*'], 'invoice.line.added'],
    [['customer.created', 'invoice.*'], 'invoice.paid'],
  ])('%j matches %s', (patterns, type) => {
    expect(matchesFilter(patterns, type)).toBe(true);
  });

  it.each([
    [['invoice.paid'], 'invoice.failed'],
    [['invoice.paid'], 'invoice.paid.late'],
    [['invoice.*'], 'invoice'],
    [['invoice.*'], 'invoices.paid'],
    [['invoice.*'], 'customer.invoice.paid'],
    [[], 'invoice.paid'],
  ])('%j does not match %s', (patterns, type) => {
    expect(matchesFilter(patterns, type)).toBe(false);
  });
});

describe('isFilterPattern()', () => {
  it.each(['*', 'invoice.*', 'invoice.paid', 'a', 'v1:order_created-late.*'])('accepts %s', (p) => {
    expect(isFilterPattern(p)).toBe(true);
  });

  it.each([
    '',
    'inv*',
    '*.paid',
    'invoice.*.paid',
    'invoice.',
    '.invoice',
    'invoice..paid',
    'invoice paid',
    '**',
    'a'.repeat(257),
  ])('refuses %j', (p) => {
    expect(isFilterPattern(p)).toBe(false);
  });
});

describe('isEventType()', () => {
  it('refuses a wildcard as a type: a message has one concrete type', () => {
    expect([isEventType('invoice.paid'), isEventType('invoice.*'), isEventType('*')]).toEqual([true, false, false]);
  });
});
