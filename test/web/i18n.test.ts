import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  detectLocale,
  formatMessage,
  localeFromAcceptLanguage,
  safeNextPath,
  translator,
  type Catalogue,
} from '../../src/web/i18n/index.js';

const CATALOGUE_DIR = fileURLToPath(new URL('../../src/web/i18n/', import.meta.url));

describe('locale detection', () => {
  test('a cookie naming a known language wins over the browser', () => {
    assert.equal(detectLocale('it', 'en-US,en;q=0.9'), 'it');
    assert.equal(detectLocale('en', 'it-IT'), 'en');
  });

  test('an unknown cookie value is ignored', () => {
    assert.equal(detectLocale('de', 'it-IT,it;q=0.9'), 'it');
    assert.equal(detectLocale('<script>', undefined), 'en');
  });

  test('Accept-Language: any it* tag is Italian, ranked by q then by order', () => {
    assert.equal(localeFromAcceptLanguage('it-CH'), 'it');
    assert.equal(localeFromAcceptLanguage('de-DE,it;q=0.8,en;q=0.5'), 'it');
    assert.equal(localeFromAcceptLanguage('en;q=0.4,it;q=0.9'), 'it');
    assert.equal(localeFromAcceptLanguage('it;q=0.4,en-GB;q=0.9'), 'en');
    assert.equal(localeFromAcceptLanguage('fr-FR,de;q=0.9'), null);
  });

  test('q=0 means "not this language"', () => {
    assert.equal(localeFromAcceptLanguage('it;q=0,en;q=0.5'), 'en');
  });

  test('nothing usable falls back to English', () => {
    assert.equal(detectLocale(undefined, undefined), 'en');
    assert.equal(detectLocale(undefined, 'fr-FR'), 'en');
    assert.equal(detectLocale(undefined, ';;;,q=bad'), 'en');
  });
});

describe('the language switch redirect', () => {
  test('keeps same-site paths with their query', () => {
    assert.equal(safeNextPath('/keys?revoked=abc'), '/keys?revoked=abc');
    assert.equal(safeNextPath('/'), '/');
  });

  test('never leaves the site', () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'evil.example', 'javascript:alert(1)', '/\r\nSet-Cookie: x', '', undefined, ['/keys']]) {
      assert.equal(safeNextPath(next), '/', `next=${JSON.stringify(next)}`);
    }
  });
});

describe('message catalogues', () => {
  test('formats {placeholders} and numbers for the locale', () => {
    assert.equal(formatMessage('en', 'Revoke {prefix} of {n}', { prefix: 'sk_a_…', n: 12000 }), 'Revoke sk_a_… of 12,000');
    assert.equal(formatMessage('it', '{n} crediti', { n: 12000 }), '12.000 crediti');
    assert.equal(formatMessage('en', 'left {alone}', {}), 'left {alone}');
  });

  test('every catalogue translates every key into Italian, with the same placeholders', async () => {
    const files = readdirSync(CATALOGUE_DIR).filter((name) => name.endsWith('.ts') && name !== 'index.ts');
    assert.ok(files.length >= 6, `catalogues found: ${files.join(', ')}`);
    for (const file of files) {
      const catalogue = (await import(new URL(file, `file://${CATALOGUE_DIR}`).href)) as Catalogue<string>;
      assert.deepEqual(Object.keys(catalogue.it).sort(), Object.keys(catalogue.en).sort(), `${file}: the same keys`);
      for (const key of Object.keys(catalogue.en)) {
        const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
        assert.deepEqual(placeholders(catalogue.it[key]), placeholders(catalogue.en[key]), `${file}: placeholders of ${key}`);
        assert.notEqual(catalogue.it[key].trim(), '', `${file}: ${key} is empty in Italian`);
      }
    }
  });

  test('the product page’s Italian sentences are used where they fit', async () => {
    const keys = await import('../../src/web/i18n/keys.js');
    const auth = await import('../../src/web/i18n/auth.js');
    const credits = await import('../../src/web/i18n/credits.js');
    const t = { keys: translator(keys, 'it'), auth: translator(auth, 'it'), credits: translator(credits, 'it') };
    assert.match(t.keys('lead'), /^Gestisci le tue chiavi di autenticazione/);
    assert.match(t.keys('nameHint'), /Assegna un nome facile da ricordare \(opzionale\)/);
    assert.equal(t.auth('loginLead'), 'Accesso richiesto: accedi per creare e gestire le chiavi API.');
    assert.match(t.credits('plansLead'), /^Inizia con piani flessibili e competitivi/);
    assert.equal(t.credits('separateNote'), 'Nota: i crediti API e utente sono indipendenti e non intercambiabili.');
  });
});
