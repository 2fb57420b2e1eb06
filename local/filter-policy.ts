/**
 * SNS subscription filter policies over message attributes (the `MessageAttributes` scope), for the
 * local topic. Every attribute the pipeline publishes is a `String`, so the string operators are the
 * ones that matter: exact values, `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values or
 * `{prefix}`/`{suffix}`), `exists`, and `$or`. Keys are ANDed, the values in a key's list ORed.
 * As in SNS, numeric conditions never match a String attribute, and only `exists: false` matches an
 * absent one. An operator SNS does not have throws when the policy is checked, not silently mismatches.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html
 */

export type FilterCondition =
  | string
  | number
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string }
  | {
      readonly 'anything-but':
        | string
        | number
        | ReadonlyArray<string | number>
        | { readonly prefix: string }
        | { readonly suffix: string };
    }
  | { readonly exists: boolean }
  | { readonly numeric: ReadonlyArray<string | number> };

export interface FilterPolicy {
  readonly [attribute: string]: FilterCondition | readonly FilterCondition[] | readonly FilterPolicy[];
}

/** Throws a descriptive error when the policy uses something SNS would reject. */
export function checkFilterPolicy(policy: FilterPolicy): void {
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new Error('$or needs a list of at least two policies');
      for (const sub of value as readonly FilterPolicy[]) checkFilterPolicy(sub);
      continue;
    }
    for (const condition of list(value as FilterCondition | readonly FilterCondition[])) checkCondition(key, condition);
  }
}

/** Whether a message with these (String) attributes passes the policy. No policy passes everything. */
export function matchesFilterPolicy(
  policy: FilterPolicy | undefined,
  attributes: Readonly<Record<string, string>>,
): boolean {
  if (!policy) return true;
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!(value as readonly FilterPolicy[]).some((sub) => matchesFilterPolicy(sub, attributes))) return false;
      continue;
    }
    const actual = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
    if (!list(value as FilterCondition | readonly FilterCondition[]).some((c) => matchesCondition(c, actual)))
      return false;
  }
  return true;
}

function list<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function matchesCondition(condition: FilterCondition, actual: string | undefined): boolean {
  if (typeof condition === 'string') return actual === condition;
  if (typeof condition === 'number') return false;
  if ('exists' in condition) return condition.exists === (actual !== undefined);
  if (actual === undefined) return false;
  if ('prefix' in condition) return actual.startsWith(condition.prefix);
  if ('suffix' in condition) return actual.endsWith(condition.suffix);
  if ('equals-ignore-case' in condition) return actual.toLowerCase() === condition['equals-ignore-case'].toLowerCase();
  if ('numeric' in condition) return false;
  const but = condition['anything-but'];
  if (typeof but === 'object' && !Array.isArray(but)) {
    const b = but as { prefix?: string; suffix?: string };
    if (b.prefix !== undefined) return !actual.startsWith(b.prefix);
    return !actual.endsWith(b.suffix ?? '');
  }
  return !list(but as string | number | ReadonlyArray<string | number>).some(
    (v) => typeof v === 'string' && v === actual,
  );
}

function checkCondition(key: string, condition: FilterCondition): void {
  if (typeof condition === 'string' || typeof condition === 'number') return;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    throw new Error(`filter policy ${key}: unsupported condition ${JSON.stringify(condition)}`);
  }
  const ops = Object.keys(condition);
  const known = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'exists', 'numeric'];
  if (ops.length !== 1 || !known.includes(ops[0]!)) {
    throw new Error(
      `filter policy ${key}: unsupported operator ${JSON.stringify(condition)}; use one of ${known.join(', ')}`,
    );
  }
  if ('exists' in condition && typeof condition.exists !== 'boolean')
    throw new Error(`filter policy ${key}: exists takes true or false`);
}
