// Reads GS1 Digital Link URIs from stdin, one per line, and prints for each
// line "valid<TAB>uri" or "invalid<TAB>uri<TAB>reason" using GS1's
// digital-link.js toolkit: DigitalLink(uri).isValid() checks the URI against
// the GS1 Digital Link ABNF grammar and the GTIN check digit.
// Used by core/tests/digital_link_gs1.rs.
'use strict';

const { DigitalLink } = require('digital-link.js');

const input = require('fs').readFileSync(0, 'utf8');
for (const line of input.split('\n')) {
  const uri = line.trim();
  if (!uri) continue;
  let verdict;
  try {
    const dl = DigitalLink(uri);
    verdict = dl.isValid() ? 'valid' : `invalid\tgrammar or check digit (re-encoded: ${dl.toWebUriString()})`;
  } catch (e) {
    verdict = `invalid\t${e.message}`;
  }
  const [word, ...reason] = verdict.split('\t');
  console.log([word, uri, ...reason].join('\t'));
}
