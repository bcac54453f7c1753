/** A tiny Atom 1.0 (RFC 4287) writer: just what the release feed needs, with XML escaping. */
export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  link: string;
  category: string;
  summary: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  self: string;
  updated: Date;
  entries: AtomEntry[];
}

// Characters XML 1.0 forbids (C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/F).
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function renderAtom(feed: AtomFeed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlEscape(feed.id)}</id>`,
    `  <title>${xmlEscape(feed.title)}</title>`,
    `  <updated>${feed.updated.toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(feed.self)}"/>`,
    '  <author><name>Packgate</name></author>',
    '  <generator>Packgate</generator>',
  ];
  for (const entry of feed.entries) {
    lines.push(
      '  <entry>',
      `    <id>${xmlEscape(entry.id)}</id>`,
      `    <title>${xmlEscape(entry.title)}</title>`,
      `    <updated>${entry.updated.toISOString()}</updated>`,
      `    <link rel="alternate" href="${xmlEscape(entry.link)}"/>`,
      `    <category term="${xmlEscape(entry.category)}"/>`,
      `    <summary>${xmlEscape(entry.summary)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
