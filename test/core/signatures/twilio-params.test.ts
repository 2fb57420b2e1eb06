/**
 * `{params}`, the form parameters Twilio signs: sorted by name, each followed by its value, a
 * repeated name contributing each distinct value, sorted. Checked against Twilio's own library.
 */
import { createHmac } from 'node:crypto';
import twilioLib from 'twilio';
import { describe, expect, it } from 'vitest';
import { sortedFormParams } from '../../../lambdas/core/signatures/signed-content';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('sortedFormParams', () => {
  it("sorts names, then each name's distinct values, as Twilio's libraries do", () => {
    expect(sortedFormParams(bytes('b=2&a=1&b=1&b=2&c'))).toBe('a1b1b2c');
  });

  it('decodes + and percent-escapes as a form parser does', () => {
    expect(sortedFormParams(bytes('From=%2B1234&Body=hello+world%21'))).toBe('Bodyhello world!From+1234');
  });

  it("gives the signature Twilio's getExpectedTwilioSignature gives for the same form", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const form = 'CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212';
    const params = Object.fromEntries(new URLSearchParams(form));
    const expected = twilioLib.getExpectedTwilioSignature('12345', url, params);
    expect(
      createHmac('sha1', '12345')
        .update(url + sortedFormParams(bytes(form)))
        .digest('base64'),
    ).toBe(expected);
  });
});
