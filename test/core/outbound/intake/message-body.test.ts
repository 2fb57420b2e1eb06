import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseMessageBody, topLevelValueText } from '../../../../lambdas/core/outbound/intake/message-body';

describe('parseMessageBody()', () => {
  it('keeps the payload text byte for byte: big integers, key order and spacing', () => {
    const body = '{"type":"invoice.paid","payload": {"b":1, "a":12345678901234567890 } ,"id":"msg_1"}';
    expect(parseMessageBody(body, undefined)).toEqual({
      type: 'invoice.paid',
      id: 'msg_1',
      payload: '{"b":1, "a":12345678901234567890 }',
    });
  });

  it('takes the id from Idempotency-Key when the body has none, and refuses a disagreement', () => {
    expect(parseMessageBody('{"type":"a","payload":1}', 'k1').id).toBe('k1');
    expect(() => parseMessageBody('{"type":"a","payload":1,"id":"k2"}', 'k1')).toThrow('differ');
  });

  it('refuses a body that is not an object, or lacks type or payload', () => {
    expect(() => parseMessageBody('[1]', undefined)).toThrow('object');
    expect(() => parseMessageBody('{"payload":1}', undefined)).toThrow('type');
    expect(() => parseMessageBody('{"type":"a"}', undefined)).toThrow('payload');
    expect(() => parseMessageBody('{"type":', undefined)).toThrow('JSON');
  });
});

describe('topLevelValueText()', () => {
  it('finds the member among strings with escaped quotes, nested brackets and a nested key of the same name', () => {
    const json = '{"x":"a\\"}{[","n":{"payload":[1,{"y":"]"}]},"payload":["}",{"z":"\\\\"}],"w":null}';
    expect(topLevelValueText(json, 'payload')).toBe('["}",{"z":"\\\\"}]');
    expect(topLevelValueText(json, 'missing')).toBeUndefined();
  });

  it('for any JSON value, slicing it out of an object and parsing it gives the same value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (before, value) => {
        const text = JSON.stringify(value, null, 1);
        const json = `{ "before" : ${JSON.stringify(before)} , "payload" : ${text} }`;
        expect(topLevelValueText(json, 'payload')).toBe(text);
      }),
    );
  });
});
