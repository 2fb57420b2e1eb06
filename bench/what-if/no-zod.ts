/**
 * What-if for `bench:coldstart -- --what-if`: stands in for `zod` so a bundle loads without it.
 * Every schema call returns the stub and `parse`/`safeParse` accept anything, so this measures what
 * a runtime path without zod classic would load like. Never deployed; validation is skipped.
 */
type Stub = ((...args: unknown[]) => Stub) & { readonly [key: string]: Stub };

const handler: ProxyHandler<() => void> = {
  get: (_target, property) => {
    if (property === 'safeParse') return (data: unknown) => ({ success: true, data });
    if (property === 'parse') return (data: unknown) => data;
    return stub;
  },
  apply: () => stub,
};

const stub = new Proxy(() => undefined, handler) as unknown as Stub;

export const z = stub;
