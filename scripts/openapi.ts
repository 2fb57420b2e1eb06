/** `npm run openapi`: writes the API's OpenAPI document to docs/openapi.json (a test fails while they differ). */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../lambdas/outbound-api/openapi/document';

export const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);

/** The committed text: two-space JSON and a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (process.argv[1]?.endsWith('scripts/openapi.ts')) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE.pathname}`);
}
