/** bench:signatures peers: each provider's official verification library, given the same input. */
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilioLib from 'twilio';
import { SECRETS, URL_SIGNED, type Cell, type Impl } from './cells';

const stripeClient = new Stripe('sk_test_bench_not_a_key');

export function peerImpls(cell: Cell): Impl[] {
  const { request, bodyText } = cell;
  const body = Buffer.from(request.body);
  const headers = request.headers as Record<string, string>;
  const secret = SECRETS[cell.scheme];
  const swallow = (verify: () => unknown): boolean => {
    try {
      verify();
      return true;
    } catch {
      return false;
    }
  };
  switch (cell.scheme) {
    case 'stripe': {
      const header = headers['stripe-signature']!;
      const signature = stripeClient.webhooks.signature!;
      return [
        {
          label: 'stripe',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (swallow(() => signature.verifyHeader(bodyText, header, secret, 300))) ok++;
            return ok;
          },
        },
      ];
    }
    case 'github': {
      const header = headers['x-hub-signature-256']!;
      return [
        {
          label: 'octokit',
          async run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (await octokitVerify(secret, bodyText, header)) ok++;
            return ok;
          },
        },
      ];
    }
    case 'standard-webhooks': {
      const standard = new StandardWebhook(secret);
      const svix = new SvixWebhook(secret);
      return [
        {
          label: 'standardwebhooks',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++)
              if (swallow(() => standard.verify(bodyText, headers, { jsonParse: false }))) ok++;
            return ok;
          },
        },
        {
          label: 'svix',
          run(n) {
            let ok = 0;
            for (let i = 0; i < n; i++) if (swallow(() => svix.verify(bodyText, headers))) ok++;
            return ok;
          },
        },
      ];
    }
    case 'twilio': {
      const signature = headers['x-twilio-signature']!;
      return [
        {
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
        },
      ];
    }
    default:
      return [];
  }
}
