/**
 * PEP 691 content negotiation for the simple index: `?format=` overrides `Accept`; a missing
 * `Accept` means `*\/*`; the `latest` pseudo types answer with the concrete v1 type. Pure.
 */
export const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
export const SIMPLE_HTML = 'application/vnd.pypi.simple.v1+html';
export const TEXT_HTML = 'text/html';

export type SimpleFormat = { kind: 'json'; contentType: string } | { kind: 'html'; contentType: string };

const CANDIDATES: Record<string, SimpleFormat> = {
  [SIMPLE_JSON]: { kind: 'json', contentType: SIMPLE_JSON },
  'application/vnd.pypi.simple.latest+json': { kind: 'json', contentType: SIMPLE_JSON },
  [SIMPLE_HTML]: { kind: 'html', contentType: SIMPLE_HTML },
  'application/vnd.pypi.simple.latest+html': { kind: 'html', contentType: SIMPLE_HTML },
  [TEXT_HTML]: { kind: 'html', contentType: `${TEXT_HTML}; charset=utf-8` },
};
const DEFAULT: SimpleFormat = CANDIDATES[TEXT_HTML];

interface Offer {
  type: string;
  q: number;
  order: number;
}

function parseAccept(header: string): Offer[] {
  return header
    .split(',')
    .slice(0, 50)
    .map((part, order) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      let q = 1;
      for (const param of params) {
        const [key, value] = param.trim().split('=');
        if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      }
      return { type: type.trim(), q, order };
    })
    .filter((offer) => offer.type !== '' && offer.q > 0);
}

/** The representation to send, or null when nothing acceptable can be produced (406). */
export function negotiateSimpleFormat(accept: string | undefined, formatParam?: string): SimpleFormat | null {
  // An unencoded `+` arrives as a space.
  if (formatParam) return CANDIDATES[formatParam.trim().toLowerCase().replace(/ /g, '+')] ?? null;
  if (!accept || accept.trim() === '') return DEFAULT;
  const offers = parseAccept(accept).sort((a, b) => b.q - a.q || a.order - b.order);
  for (const offer of offers) {
    if (CANDIDATES[offer.type]) return CANDIDATES[offer.type];
    if (offer.type === '*/*' || offer.type === 'text/*' || offer.type === 'application/*') return DEFAULT;
  }
  return null;
}
