/** Reads `{"current","previous"[,"verifyToken"]}` JSON or a plain string into the list of secrets, current first. */
export function parseSecretValue(text: string): readonly string[] {
  let value: unknown = text;
  if (text.trimStart().startsWith('{')) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error('secret value is not valid JSON');
    }
  }
  if (typeof value === 'string') return value === '' ? [] : [value];
  const { current, previous } = value as { current?: unknown; previous?: unknown };
  return [current, previous].filter((s): s is string => typeof s === 'string' && s !== '');
}

/** The `verifyToken` of a JSON secret value (Meta's subscription check), if it has one. */
export function parseVerifyToken(text: string): string | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const { verifyToken } = JSON.parse(text) as { verifyToken?: unknown };
    return typeof verifyToken === 'string' && verifyToken !== '' ? verifyToken : undefined;
  } catch {
    return undefined;
  }
}
