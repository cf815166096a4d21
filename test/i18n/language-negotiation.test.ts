// Accept-Language negotiation (RFC 9110 §12.5.4) and the account's stored language.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { languageRanges, negotiateLanguage, supportedLanguage } from '../../src/i18n/language-negotiation.js';

const ours = ['en', 'de'];

test('the best q-value wins, then the order given', () => {
  assert.equal(negotiateLanguage('de', ours), 'de');
  assert.equal(negotiateLanguage('en;q=0.5, de;q=0.9', ours), 'de');
  assert.equal(negotiateLanguage('fr, de;q=0.8, en;q=0.7', ours), 'de');
  assert.equal(negotiateLanguage('de, en', ours), 'de');
  assert.equal(negotiateLanguage('en, de', ours), 'en');
  assert.equal(negotiateLanguage('de;q=0.8, en;q=0.8', ours), 'de', 'a tie keeps the header order');
});

test('a regional tag matches its language', () => {
  assert.equal(negotiateLanguage('de-AT', ours), 'de');
  assert.equal(negotiateLanguage('DE-ch,en;q=0.1', ours), 'de');
  assert.equal(negotiateLanguage('en-GB', ours), 'en');
});

test('nothing usable is English', () => {
  assert.equal(negotiateLanguage(undefined, ours), 'en');
  assert.equal(negotiateLanguage('', ours), 'en');
  assert.equal(negotiateLanguage('fr, ja', ours), 'en');
  assert.equal(negotiateLanguage('*', ours), 'en');
  assert.equal(negotiateLanguage('de;q=0', ours), 'en', 'q=0 means not acceptable');
  assert.equal(negotiateLanguage('<script>, de;;q=x', ours), 'de', 'a malformed range is skipped, a bad q ignored');
  assert.equal(negotiateLanguage('x'.repeat(5000), ours), 'en');
});

test('languageRanges parses and orders', () => {
  assert.deepEqual(
    languageRanges('en;q=0.2, de-AT , fr;q=0.5').map((r) => [r.tag, r.q]),
    [
      ['de-at', 1],
      ['fr', 0.5],
      ['en', 0.2],
    ],
  );
});

test('a stored language counts only when it is one of ours', () => {
  assert.equal(supportedLanguage('de', ours), 'de');
  assert.equal(supportedLanguage('de-AT', ours), 'de');
  assert.equal(supportedLanguage('fr', ours), null);
  assert.equal(supportedLanguage('', ours), null);
  assert.equal(supportedLanguage(null, ours), null);
});
