/**
 * bench:signatures peers: each provider's official verification library, given the same input. Which
 * libraries race a scheme is in its fixture's `peers` (test/helpers/scheme-fixtures.ts).
 */
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilioLib from 'twilio';
import { SCHEME_FIXTURES, type PeerLibrary } from '../../test/helpers/scheme-fixtures';
import { URL_SIGNED, type Cell, type Impl } from './cells';

const stripeClient = new Stripe('sk_test_bench_not_a_key');

/** What every peer is given: the body as a string, the headers and the secret the cell was signed with. */
interface PeerInput {
  readonly body: Buffer;
  readonly bodyText: string;
  readonly headers: Record<string, string>;
  readonly secret: string;
}

const swallow = (verify: () => unknown): boolean => {
  try {
    verify();
    return true;
  } catch {
    return false;
  }
};

/** `n` calls of a check that throws on a bad signature, counting those that passed. */
const throwing = (label: string, verify: () => unknown): Impl => ({
  label,
  run(n) {
    let ok = 0;
    for (let i = 0; i < n; i++) if (swallow(verify)) ok++;
    return ok;
  },
});

const PEERS: Readonly<Record<PeerLibrary, (input: PeerInput) => Impl>> = {
  stripe: ({ bodyText, headers, secret }) => {
    const header = headers['stripe-signature']!;
    const signature = stripeClient.webhooks.signature!;
    return throwing('stripe', () => signature.verifyHeader(bodyText, header, secret, 300));
  },
  octokit: ({ bodyText, headers, secret }) => {
    const header = headers['x-hub-signature-256']!;
    return {
      label: 'octokit',
      async run(n) {
        let ok = 0;
        for (let i = 0; i < n; i++) if (await octokitVerify(secret, bodyText, header)) ok++;
        return ok;
      },
    };
  },
  standardwebhooks: ({ bodyText, headers, secret }) => {
    const standard = new StandardWebhook(secret);
    return throwing('standardwebhooks', () => standard.verify(bodyText, headers, { jsonParse: false }));
  },
  svix: ({ bodyText, headers, secret }) => {
    const svix = new SvixWebhook(secret);
    return throwing('svix', () => svix.verify(bodyText, headers));
  },
  twilio: ({ body, headers, secret }) => {
    const signature = headers['x-twilio-signature']!;
    return {
      // Twilio's library takes the parameters a web framework parsed from the bytes it received: decoding and
      // parsing are part of the same input (ours starts from the same bytes).
      label: 'twilio',
      run(n) {
        let ok = 0;
        for (let i = 0; i < n; i++)
          if (
            twilioLib.validateRequest(
              secret,
              signature,
              URL_SIGNED,
              Object.fromEntries(new URLSearchParams(body.toString('utf8'))),
            )
          )
            ok++;
        return ok;
      },
    };
  },
};

export function peerImpls(cell: Cell): Impl[] {
  const { request, bodyText } = cell;
  const fixture = SCHEME_FIXTURES[cell.scheme];
  const input: PeerInput = {
    body: Buffer.from(request.body),
    bodyText,
    headers: request.headers as Record<string, string>,
    secret: fixture.secret,
  };
  return (fixture.peers ?? []).map((library) => PEERS[library](input));
}
