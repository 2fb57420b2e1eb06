/**
 * What the docs tests read from the Markdown pages: the pages themselves, their fenced blocks, the shell commands in
 * their ```bash blocks (split into words as sh would, with redirections set apart), their links and their headings'
 * anchors. Shell is only split here, never run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

/** The pages whose commands run as written: the README, CONTRIBUTING and every page of docs/ (decisions aside). */
export function commandPages(): string[] {
  return [
    'README.md',
    'CONTRIBUTING.md',
    ...readdirSync(join(REPO, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
}

/** Every page whose links and paths must resolve: the command pages and the decision records. */
export function allPages(): string[] {
  const decisions = readdirSync(join(REPO, 'docs', 'decisions'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/decisions/${f}`);
  return [...commandPages(), ...decisions];
}

export function readPage(page: string): string {
  return readFileSync(join(REPO, page), 'utf8');
}

export interface Block {
  /** The info string after the opening fence (`bash`, `ts`, empty for output). */
  readonly lang: string;
  readonly text: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** The fenced code blocks of a page, in order. */
export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^ *```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^ *```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, text: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** The page without its fenced blocks (prose and inline code), same line count. */
export function prose(markdown: string): string {
  let inside = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^ *```/.test(line)) {
        inside = !inside;
        return '';
      }
      return inside ? '' : line;
    })
    .join('\n');
}

export interface ShellCommand {
  /** The command's words, quotes removed, without leading variable assignments, keywords and redirections. */
  readonly words: string[];
  /** Files its output or input is redirected to or from (`> stack.log`), other than /dev/…. */
  readonly redirects: string[];
  /** Where it is, for a failure message: `docs/local-stack.md:42`. */
  readonly at: string;
}

const KEYWORDS = new Set(['do', 'done', 'then', 'else', 'fi', 'if', 'until', 'while', '{', '}', '!', 'time']);

/**
 * The simple commands of a shell snippet, as sh would split them: quotes removed (`'…'`, `"…"` with its backslash
 * escapes), `\` line continuations joined, comments dropped, `;` `&&` `||` `|` `&` and newlines ending a command,
 * `$(…)` kept whole as (part of) one word, and a placeholder (`<id>`) as one word. A `for` header is not a command.
 */
export function shellCommands(snippet: string, at: (line: number) => string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let redirects: string[] = [];
  let word: string | undefined;
  let redirectNext = false;
  let line = 1;
  let startLine = 1;

  const endWord = () => {
    if (word === undefined) return;
    if (redirectNext) {
      if (!word.startsWith('/dev/')) redirects.push(word);
      redirectNext = false;
    } else words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    while (words.length > 0 && (KEYWORDS.has(words[0]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!))) words.shift();
    while (words.length > 0 && KEYWORDS.has(words.at(-1)!)) words.pop();
    if (words.length > 0 && words[0] !== 'for') commands.push({ words, redirects, at: at(startLine) });
    words = [];
    redirects = [];
  };
  /** From `$(` to its `)`, nested ones included; returns the index after it. */
  const substitution = (i: number): number => {
    let depth = 0;
    for (let j = i; j < snippet.length; j++) {
      if (snippet.startsWith('$(', j)) {
        depth++;
        j++;
      } else if (snippet[j] === ')' && --depth === 0) return j + 1;
    }
    throw new Error(`unclosed $( at ${at(line)}`);
  };

  for (let i = 0; i < snippet.length; ) {
    const c = snippet[i]!;
    if (word === undefined && words.length === 0 && redirects.length === 0) startLine = line;
    if (c === '\\' && snippet[i + 1] === '\n') {
      i += 2;
      line++;
    } else if (c === '\\') {
      word = (word ?? '') + (snippet[i + 1] ?? '');
      i += 2;
    } else if (c === '#' && word === undefined) {
      while (i < snippet.length && snippet[i] !== '\n') i++;
    } else if (c === '\n' || c === ';') {
      endCommand();
      if (c === '\n') line++;
      i++;
    } else if (c === '&' || c === '|') {
      endCommand();
      i += snippet[i + 1] === c ? 2 : 1;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === "'") {
      const end = snippet.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed ' at ${at(line)}`);
      word = (word ?? '') + snippet.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let text = '';
      for (i++; i < snippet.length && snippet[i] !== '"'; ) {
        if (snippet[i] === '\\' && '"\\$`'.includes(snippet[i + 1] ?? '')) {
          text += snippet[i + 1];
          i += 2;
        } else if (snippet.startsWith('$(', i)) {
          const end = substitution(i);
          text += snippet.slice(i, end);
          i = end;
        } else text += snippet[i++];
      }
      if (snippet[i] !== '"') throw new Error(`unclosed " at ${at(line)}`);
      word = (word ?? '') + text;
      i++;
    } else if (snippet.startsWith('$(', i)) {
      const end = substitution(i);
      word = (word ?? '') + snippet.slice(i, end);
      i = end;
    } else if (c === '<' && word === undefined && /^<[A-Za-z][^<>\n]*>/.test(snippet.slice(i))) {
      // A placeholder the reader fills in (`<id>`, `<delivery id>`), not a redirection.
      const end = snippet.indexOf('>', i) + 1;
      word = snippet.slice(i, end);
      i = end;
    } else if (c === '>' || c === '<') {
      // A file descriptor before the operator (`2>`) is part of it, not a word.
      if (word !== undefined && /^\d$/.test(word)) word = undefined;
      endWord();
      i += snippet[i + 1] === '>' ? 2 : 1;
      const dup = /^&\d/.exec(snippet.slice(i));
      if (dup) i += dup[0].length;
      else redirectNext = true;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  endCommand();
  return commands;
}

/** Every shell command in the ```bash blocks of a page. */
export function pageCommands(page: string): ShellCommand[] {
  return fencedBlocks(readPage(page))
    .filter((b) => b.lang === 'bash' || b.lang === 'sh')
    .flatMap((b) => shellCommands(b.text, (line) => `${page}:${b.line + line}`));
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation other than `-` and `_` dropped, spaces to dashes,
 * and `-1`, `-2`… for repeats.
 */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

export interface Link {
  readonly target: string;
  readonly at: string;
}

/** The Markdown links of a page's prose (`[text](target)`), external ones left out. */
export function localLinks(page: string): Link[] {
  const links: Link[] = [];
  prose(readPage(page))
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (!/^[a-z]+:/i.test(target)) links.push({ target, at: `${page}:${i + 1}` });
      }
    });
  return links;
}

/** Paths from the repository root named in a page (`lambdas/core/…`, `test/…`), in prose, inline code or blocks. */
export function repoPaths(page: string, markdown = readPage(page)): Link[] {
  const found: Link[] = [];
  markdown.split('\n').forEach((text, i) => {
    const pattern =
      /(?<=^|[\s(`'"[])((?:bin|lib|lambdas|local|cli|config|test|bench|docs|examples)\/[A-Za-z0-9_./-]*[A-Za-z0-9_])/g;
    for (const m of text.matchAll(pattern)) {
      const rest = text.slice(m.index + m[0].length);
      // A placeholder or a pattern continues the path (`schemes/<name>.ts`, `load-*.txt`, `NNNN-title.md`).
      if (/^[./-]?[<*{…]/.test(rest) || /\bNNNN\b/.test(m[1]!)) continue;
      found.push({ target: m[1]!, at: `${page}:${i + 1}` });
    }
  });
  return found;
}

/** File names in a page's inline code (`delivery/attempt.ts`, `retention.ts`): each should end a real path. */
export function codeFileNames(page: string, markdown = readPage(page)): Link[] {
  const found: Link[] = [];
  prose(markdown)
    .split('\n')
    .forEach((text, i) => {
      for (const span of text.matchAll(/`([^`\s]+)`/g)) {
        const name = /^(?:[A-Za-z0-9_.-]+\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:ts|mjs|md|json)$/.exec(span[1]!);
        if (name && !/\bNNNN\b/.test(name[0])) found.push({ target: name[0], at: `${page}:${i + 1}` });
      }
    });
  return found;
}
