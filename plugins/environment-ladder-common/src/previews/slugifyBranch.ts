// Argo CD's pull-request generator slugs branches with gosimple/slug (v1.15), set to a maximum
// length of 50 and to turn `_` into `-`. This is that pipeline, step by step, in the same order.

const MAX_LENGTH = 50;

// gosimple/slug's English substitutions, merged with its defaults; applied before transliteration.
const RUNE_SUBSTITUTIONS: Record<string, string> = {
  '&': 'and',
  '@': 'at',
  '"': '',
  "'": '',
  '\u2019': '', // ’
  '\u2012': '-', // figure dash
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2015': '-', // horizontal bar
};

// Letters that Unicode does not decompose into an ASCII base letter plus marks.
const LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
};

function transliterate(char: string): string {
  if (char.charCodeAt(0) < 0x80) {
    return char;
  }
  if (LETTERS[char] !== undefined) {
    return LETTERS[char];
  }
  const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
  // Anything still outside ASCII becomes a separator below, as an unknown symbol would.
  return base;
}

function smartTruncate(slug: string): string {
  if (slug.length <= MAX_LENGTH) {
    return slug;
  }
  // Cut at the last dash at or before the limit; a slug without one is cut hard.
  for (let i = MAX_LENGTH; i >= 0; i--) {
    if (slug[i] === '-') {
      return slug.slice(0, i);
    }
  }
  return slug.slice(0, MAX_LENGTH);
}

/** The generator's `branch_slug`/`target_branch_slug` of a branch name (an RFC 1123 label of at most 50 characters). */
export function slugifyBranch(branch: string): string {
  let slug = branch.trim().replace(/_/g, '-');
  slug = Array.from(slug, c => RUNE_SUBSTITUTIONS[c] ?? c).join('');
  slug = Array.from(slug, transliterate).join('').toLowerCase();
  slug = slug
    .replace(/[^a-zA-Z0-9_-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return smartTruncate(slug);
}
