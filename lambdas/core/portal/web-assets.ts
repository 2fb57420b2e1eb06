/** The portal's built front end (web/build.ts): each file's text and content type, by name. */

export interface WebAsset {
  readonly body: string;
  readonly contentType: string;
}

/** `index.html` (the portal page), `console.html` (the operator console), and content-hashed script and style. */
export type WebAssets = ReadonlyMap<string, WebAsset>;
