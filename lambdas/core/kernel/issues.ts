/**
 * A caller's 400 from zod issues: `path.to.field: what was wrong`, joined with `; `. zod/mini carries no messages
 * (only "Invalid input"), so the text is made from the issue itself. Used wherever a request body is parsed with a
 * schema (endpoint input, an event type's payload), so every 400 names its field the same way.
 */

export interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly origin?: string;
  readonly inclusive?: boolean;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly keys?: readonly string[];
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly format?: string;
}

/** `a.b: must be at least 1; c: unknown field d`; `prefix` is put before every path (e.g. `payload`). */
export function describeIssues(list: readonly Issue[], prefix: readonly PropertyKey[] = []): string {
  return list
    .map((i) => {
      const path = [...prefix, ...i.path];
      return path.length > 0 ? `${path.map(String).join('.')}: ${issueText(i)}` : issueText(i);
    })
    .join('; ');
}

function issueText(i: Issue): string {
  const of = i.origin === 'array' ? ' items' : i.origin === 'string' ? ' characters' : '';
  if (i.code === 'too_small')
    return `must be ${i.inclusive === false ? 'more than' : 'at least'} ${String(i.minimum)}${of}`;
  if (i.code === 'too_big')
    return `must be ${i.inclusive === false ? 'less than' : 'at most'} ${String(i.maximum)}${of}`;
  if (i.code === 'unrecognized_keys') return `unknown field ${(i.keys ?? []).join(', ')}`;
  if (i.code === 'invalid_type') return `must be ${i.expected === 'int' ? 'an integer' : `of type ${i.expected}`}`;
  if (i.code === 'invalid_value' && i.values)
    return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (i.code === 'invalid_format' && i.format) return `must be a valid ${i.format}`;
  return i.message;
}
