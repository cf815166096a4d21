// test-engines: both
// Branding and language of the pages (issue 13, part 7): the brand's name, logo and colour on
// the login, consent and error pages and in the console's header; German for a browser asking
// for it (Accept-Language) and for an account that registered in German, whatever its browser
// says later; a theme folder overriding one template, one message and serving the logo; a brand
// name made of markup shown as text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_CSP_OWN_SCRIPTS } from '../../src/http/security-headers.js';
import { authorizePath, spaRequest } from '../helpers/authorization.js';
import { totpCodeAt } from '../../src/accounts/second-factors/totp.js';
import { BrowserAgent, hiddenField, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

/** A BrowserAgent whose requests carry an Accept-Language. */
class LanguageAgent extends BrowserAgent {
  constructor(
    base: string,
    private readonly language: string,
  ) {
    super(base);
  }
  override async request(method: string, path: string, form?: Record<string, string> | [string, string][]) {
    const original = globalThis.fetch;
    globalThis.fetch = ((url: string, init: RequestInit) =>
      original(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'accept-language': this.language } })) as typeof fetch;
    try {
      return await super.request(method, path, form);
    } finally {
      globalThis.fetch = original;
    }
  }
}

const title = (page: string) => /<title>([^<]*)<\/title>/.exec(page)?.[1];

describe('a branded server', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse({
      config: { brand: { name: 'Acme ID', logo: 'https://cdn.example/acme.svg', color: '#0a7d5a' }, signup: 'visitors', signupVerifyEmail: false },
    });
  });
  after(() => gh?.close());

  test('the login page carries the name, the logo (allowed by the CSP) and the colour', async () => {
    const response = await fetch(`${gh.url}/user/login`);
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.equal(title(page), 'Log in · Acme ID');
    assert.match(page, /<header class="brand"><img src="https:\/\/cdn\.example\/acme\.svg" alt="" height="32"><span>Acme ID<\/span><\/header>/);
    // the login page runs the passkey scripts (own files only); the logo's origin is added to img-src
    assert.equal(response.headers.get('content-security-policy'), PAGE_CSP_OWN_SCRIPTS.replace("img-src 'self'", "img-src 'self' https://cdn.example"));
    const css = await (await fetch(`${gh.url}/assets/gatehouse.css`)).text();
    assert.ok(css.trimEnd().endsWith(':root { --accent: #0a7d5a; }'), 'the colour comes last in the stylesheet');
  });

  test('the consent page and an error page carry it too', async () => {
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login('alice', PASSWORD)).status, 303);
    const consent = await agent.get(authorizePath(spaRequest(pkcePair().challenge)));
    assert.equal(consent.status, 200, consent.text.slice(0, 300));
    assert.equal(title(consent.text), 'Allow React app? · Acme ID');
    assert.match(consent.text, /<span>Acme ID<\/span>/);
    assert.match(consent.text, /<h1>React app wants to access your account<\/h1>/);

    const error = await agent.get('/oauth/authorize?client_id=nobody&response_type=code');
    assert.equal(error.status, 400);
    assert.match(title(error.text) ?? '', / · Acme ID$/);
    assert.match(error.text, /<img src="https:\/\/cdn\.example\/acme\.svg"/);
    assert.match(error.text, /<p class="error" role="alert">/);
  });

  test('the console header carries the name and the logo, in English', async () => {
    const agent = new LanguageAgent(gh.url, 'de');
    assert.equal((await agent.login('root', PASSWORD, '/admin')).status, 303);
    const page = await agent.get('/admin');
    assert.equal(page.status, 200);
    assert.equal(title(page.text), 'Dashboard · Acme ID admin');
    assert.match(page.text, /<strong class="brand"><img src="https:\/\/cdn\.example\/acme\.svg" alt="" height="24"> Acme ID<\/strong>/);
    assert.match(page.text, /<html lang="en">/);
  });

  test('Accept-Language: de gets the German page, lang="de" and Content-Language', async () => {
    for (const header of ['de', 'de-AT', 'fr;q=1, de-CH;q=0.9, en;q=0.8']) {
      const response = await fetch(`${gh.url}/user/login`, { headers: { 'accept-language': header } });
      const page = await response.text();
      assert.equal(response.headers.get('content-language'), 'de', header);
      assert.match(page, /<html lang="de">/);
      assert.equal(title(page), 'Anmelden · Acme ID');
      assert.match(page, /<label for="edit-name">Benutzername<\/label>/);
      assert.match(page, /<a href="\/user\/register">Neues Konto erstellen<\/a>/);
    }
    for (const header of ['en', 'fr', 'de;q=0, en;q=0.5', '']) {
      const response = await fetch(`${gh.url}/user/login`, { headers: { 'accept-language': header } });
      assert.equal(response.headers.get('content-language'), 'en', header);
      assert.match(await response.text(), /<html lang="en">/);
    }
  });

  test('a protocol error page and a password problem are German too', async () => {
    const response = await fetch(`${gh.url}/oauth/authorize?client_id=nobody&response_type=code`, { headers: { 'accept-language': 'de' } });
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.equal(title(page), 'Unbekannte Anwendung · Acme ID');
    assert.match(page, /Die Anwendung, die Sie hierher geschickt hat, ist bei diesem Server nicht registriert\./);

    const agent = new LanguageAgent(gh.url, 'de');
    const form = await agent.get('/user/register');
    const refused = await agent.post('/user/register', {
      name: 'kurt',
      mail: 'kurt@example.com',
      pass: 'aaaaaaaaaaaa',
      pass_confirm: 'aaaaaaaaaaaa',
      csrf_token: hiddenField(form.text, 'csrf_token')!,
    });
    assert.equal(refused.status, 400);
    assert.match(
      refused.text,
      /<p class="error" id="pass-error" role="alert">Das Passwort darf nicht aus einem oder zwei wiederholten Zeichen bestehen\.<\/p>/,
    );
  });

  test('a German error is German', async () => {
    const agent = new LanguageAgent(gh.url, 'de');
    const form = await agent.get('/user/login');
    const page = await agent.post('/user/login', {
      name: 'alice',
      pass: 'wrong',
      destination: '/user/apps',
      csrf_token: hiddenField(form.text, 'csrf_token')!,
    });
    assert.equal(page.status, 401);
    assert.match(page.text, /<p class="error" role="alert">Benutzername oder Passwort nicht erkannt\.<\/p>/);
  });

  test('an account registered in German keeps German, whatever the browser says later', async () => {
    const german = new LanguageAgent(gh.url, 'de-DE,de;q=0.9');
    const form = await german.get('/user/register');
    assert.match(form.text, /<h1>Neues Konto erstellen<\/h1>/);
    const created = await german.post('/user/register', {
      name: 'greta',
      mail: 'greta@example.com',
      pass: 'amber lantern 7 harbours',
      pass_confirm: 'amber lantern 7 harbours',
      csrf_token: hiddenField(form.text, 'csrf_token')!,
    });
    assert.equal(created.status, 200, created.text.slice(0, 500));
    assert.match(created.text, /Registrierung erfolgreich/);
    const user = await gh.store.users.findByName('greta');
    assert.equal(user?.preferredLangcode, 'de');
    assert.equal(user?.langcode, 'de');

    const english = new LanguageAgent(gh.url, 'en');
    assert.equal((await english.login('greta', 'amber lantern 7 harbours')).status, 303);
    const apps = await english.get('/user/apps');
    assert.equal(apps.status, 200);
    assert.match(apps.text, /<html lang="de">/);
    assert.match(apps.text, /<h1>Von Ihnen erlaubte Anwendungen<\/h1>/);
    // the login form knows nobody yet: the browser's language
    assert.match((await english.get('/user/login')).text, /<html lang="en">/);
  });

  test('the account and passkeys pages speak the account’s German, errors included; the login’s passkey form the browser’s', async () => {
    const german = new LanguageAgent(gh.url, 'de');
    const form = await german.get('/user/register');
    const password = 'copper kettle 9 meadows';
    const created = await german.post('/user/register', {
      name: 'hanna',
      mail: 'hanna@example.com',
      pass: password,
      pass_confirm: password,
      csrf_token: hiddenField(form.text, 'csrf_token')!,
    });
    assert.equal(created.status, 200, created.text.slice(0, 500));
    const uid = (await gh.store.users.findByName('hanna'))!.uid;

    const english = new LanguageAgent(gh.url, 'en');
    assert.equal((await english.login('hanna', password)).status, 303);
    const account = await english.get(`/user/${uid}/edit`);
    assert.equal(account.status, 200);
    assert.equal(account.headers.get('content-language'), 'de');
    assert.equal(title(account.text), 'Ihr Konto · Acme ID');
    assert.match(account.text, /<h2 id="password-heading">Passwort ändern<\/h2>/);
    assert.match(account.text, /<label for="edit-current-pass">Aktuelles Passwort<\/label>/);
    assert.match(account.text, /<p class="muted" id="pass-rule">Mindestens 10 Zeichen/);
    assert.match(account.text, /<h2 id="everywhere-heading">Überall abmelden<\/h2>/);
    assert.doesNotMatch(account.text, /Change password|Log out everywhere/);
    assert.match(account.text, /<p class="muted" role="note">Das Ändern Ihrer E-Mail-Adresse ist nicht verfügbar: /, 'this server sends no mail');
    const wrong = await english.post(`/user/${uid}/edit/password`, {
      csrf_token: hiddenField(account.text, 'csrf_token')!,
      current_pass: 'not my password',
      pass: 'amber lantern 7 harbours',
      pass_confirm: 'amber lantern 7 harbours',
    });
    assert.equal(wrong.status, 400);
    assert.match(
      wrong.text,
      /id="current_pass-error" role="alert">Ihr aktuelles Passwort fehlt oder ist falsch; es wird benötigt, um das Passwort zu ändern\.</,
    );

    const passkeys = await english.get(`/user/${uid}/passkeys`);
    assert.equal(passkeys.status, 200);
    assert.equal(title(passkeys.text), 'Passkeys · Acme ID');
    assert.match(passkeys.text, /<p>Sie haben noch keinen Passkey\.<\/p>/);
    assert.match(passkeys.text, /<h2>Passkey hinzufügen<\/h2>/);
    assert.match(passkeys.text, /data-failed="Der Passkey konnte nicht verwendet werden\./);
    const badName = await english.post(`/user/${uid}/passkeys`, {
      csrf_token: hiddenField(passkeys.text, 'csrf_token')!,
      name: 'x'.repeat(61),
      credential: '{}',
    });
    assert.equal(badName.status, 400);
    assert.match(badName.text, /<p class="error" role="alert">Ein Name hat höchstens 60 Zeichen und keine Steuerzeichen\.<\/p>/);
    assert.equal((await english.get(`/user/${uid}/passkeys?done=constructor`)).text.includes('role="status"'), false, 'an unknown notice is none');

    const login = await (await fetch(`${gh.url}/user/login`, { headers: { 'accept-language': 'de' } })).text();
    assert.match(login, /<button type="submit" class="secondary">Mit einem Passkey anmelden<\/button>/);
    const englishLogin = await (await fetch(`${gh.url}/user/login`)).text();
    assert.match(englishLogin, /<button type="submit" class="secondary">Log in with a passkey<\/button>/);
  });

  test('the security page, TOTP set-up, recovery codes and the second step speak the account’s German', async () => {
    const bob = (await gh.store.users.findByName('bob'))!;
    await gh.store.users.update(bob.uid, { preferredLangcode: 'de' });
    const english = new LanguageAgent(gh.url, 'en');
    assert.equal((await english.login('bob', PASSWORD)).status, 303);
    const security = await english.get(`/user/${bob.uid}/security`);
    assert.equal(security.status, 200);
    assert.equal(title(security.text), 'Sicherheit · Acme ID');
    assert.match(security.text, /<p id="totp-status">Authenticator-App: ausgeschaltet\.<\/p>/);
    assert.match(security.text, /<button type="submit">Authenticator-App einrichten<\/button>/);
    const start = await english.post(`/user/${bob.uid}/security/totp`, { csrf_token: hiddenField(security.text, 'csrf_token')! });
    assert.equal(start.status, 303);
    const enrol = await english.get(start.location!);
    assert.equal(title(enrol.text), 'Bestätigung in zwei Schritten einrichten · Acme ID');
    assert.match(enrol.text, /<label for="edit-code">Code aus Ihrer Authenticator-App<\/label>/);
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(enrol.text)![1];
    const confirm = `/user/${bob.uid}/security/totp/confirm`;
    const wrong = await english.post(confirm, { ...hiddenFields(enrol.text), code: '000000' === totpCodeAt(secret, gh.clock.now()) ? '111111' : '000000' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /<p class="error" role="alert">Dieser Code ist nicht richtig\./);
    const done = await english.post(confirm, { ...hiddenFields(enrol.text), code: totpCodeAt(secret, gh.clock.now()) });
    assert.equal(done.status, 303, done.text.slice(0, 300));
    const codes = await english.get(done.location!);
    assert.equal(title(codes.text), 'Ihre Wiederherstellungscodes · Acme ID');
    assert.match(codes.text, /Ich habe sie gespeichert – weiter<\/a>/);
    const after = await english.get(`/user/${bob.uid}/security`);
    assert.match(after.text, /<p>10 unbenutzte Wiederherstellungscodes übrig\.<\/p>/);
    assert.match(after.text, /<h3>Authenticator-App ausschalten<\/h3>/);

    const again = new LanguageAgent(gh.url, 'en');
    const login = await again.login('bob', PASSWORD);
    assert.equal(login.location, '/user/login/second-factor');
    const step = await again.get('/user/login/second-factor');
    assert.equal(title(step.text), 'Bestätigung in zwei Schritten · Acme ID');
    assert.match(step.text, /<summary>Wiederherstellungscode<\/summary>/);
    const malformed = await again.post('/user/login/second-factor', { csrf_token: hiddenField(step.text, 'csrf_token')!, method: 'totp', code: 'abc' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.text, /<p class="error" role="alert">Geben Sie den Code ein: sechs Ziffern aus Ihrer App/);
  });
});

describe('a brand name made of markup', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse({ config: { brand: { name: '<script>alert(1)</script> & "Co"', logo: null, color: null } } });
  });
  after(() => gh?.close());

  test('is shown as text on pages and in the console', async () => {
    const login = await (await fetch(`${gh.url}/user/login`)).text();
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;';
    assert.equal(title(login), `Log in · ${escaped}`);
    assert.ok(login.includes(`<span>${escaped}</span>`));
    assert.doesNotMatch(login, /<script>alert/);
    assert.doesNotMatch(login, /<img/, 'no logo configured, none shown');
    const landing = await (await fetch(`${gh.url}/`)).text();
    assert.ok(landing.includes(`<h1>${escaped}</h1>`));

    const agent = new BrowserAgent(gh.url);
    await agent.login('root', PASSWORD, '/admin');
    const console = await agent.get('/admin');
    assert.ok(console.text.includes(`<strong class="brand">${escaped}</strong>`));
    assert.doesNotMatch(console.text, /<script>alert/);
  });
});

describe('a theme folder', () => {
  let gh: Running;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-theme-'));
    mkdirSync(join(dir, 'messages'));
    writeFileSync(
      join(dir, 'login.liquid'),
      `{% layout 'layout' %}{% block title %}{{ 'login.title' | t }}{% endblock %}{% block content %}<h1 id="themed">{{ 'login.title' | t }}</h1>
<p>{{ 'acme.hello' | t: name: brand.name }}</p>
<form method="post" action="/user/login"><input type="hidden" name="{{ csrf_field }}" value="{{ csrf }}"><input type="hidden" name="destination" value="{{ destination }}">
<input name="name" value="{{ username }}"><input type="password" name="pass"><button type="submit">{{ 'login.submit' | t }}</button></form>{% endblock %}`,
    );
    writeFileSync(join(dir, 'messages', 'de.json'), JSON.stringify({ 'login.title': 'Bei Acme anmelden', 'acme.hello': 'Willkommen bei {name}' }));
    writeFileSync(join(dir, 'messages', 'en.yaml'), 'acme.hello: Welcome to {name}\n');
    writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    gh = await startGatehouse({ config: { themeDir: dir, brand: { name: 'Acme', logo: 'logo.svg', color: '#123' } } });
  });
  after(async () => {
    await gh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('overrides one template and one message; the others stay', async () => {
    const german = await (await fetch(`${gh.url}/user/login`, { headers: { 'accept-language': 'de' } })).text();
    assert.match(german, /<h1 id="themed">Bei Acme anmelden<\/h1>/);
    assert.match(german, /<p>Willkommen bei Acme<\/p>/);
    assert.match(german, /<button type="submit">Anmelden<\/button>/, 'a message the theme left alone');
    const english = await (await fetch(`${gh.url}/user/login`)).text();
    assert.match(english, /<h1 id="themed">Log in<\/h1>/);
    assert.match(english, /<p>Welcome to Acme<\/p>/);
    // another page keeps the shipped template
    const password = await (await fetch(`${gh.url}/user/register`)).text();
    assert.doesNotMatch(password, /themed/);
  });

  test('the themed login still logs in', async () => {
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login('alice', PASSWORD)).status, 303);
  });

  test('serves the logo from the theme folder, same-origin', async () => {
    const page = await (await fetch(`${gh.url}/user/login`)).text();
    assert.match(page, /<img src="\/assets\/brand-logo" alt="" height="32">/);
    const logo = await fetch(`${gh.url}/assets/brand-logo`);
    assert.equal(logo.status, 200);
    assert.equal(logo.headers.get('content-type'), 'image/svg+xml');
    assert.match(await logo.text(), /^<svg/);
    const response = await fetch(`${gh.url}/user/login`);
    assert.equal(response.headers.get('content-security-policy'), PAGE_CSP_OWN_SCRIPTS, 'a same-origin logo needs nothing more');
    assert.match(await (await fetch(`${gh.url}/assets/gatehouse.css`)).text(), /--accent: #123;/);
  });
});

describe('mails in the account language', () => {
  let gh: Running;
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startSmtp();
    gh = await startGatehouse({
      config: { signup: 'visitors', signupVerifyEmail: true, mail: { smtpUrl: smtp.url, from: 'Gatehouse <gatehouse@example.com>', pollMs: 100 } },
    });
  });
  after(async () => {
    await gh?.close();
    await smtp?.close();
  });

  test('a visitor registering in German gets the German verification mail', async () => {
    const agent = new LanguageAgent(gh.url, 'de');
    const form = await agent.get('/user/register');
    const done = await agent.post('/user/register', { name: 'hans', mail: 'hans@example.com', csrf_token: hiddenField(form.text, 'csrf_token')! });
    assert.equal(done.status, 200, done.text.slice(0, 300));
    assert.match(done.text, /Eine Willkommensnachricht/);
    const mail = await smtp.waitFor('hans@example.com', /^Kontodaten für hans auf /);
    assert.match(mail.text, /vielen Dank für Ihre Registrierung/);
    assert.match(mail.text, /Dort wählen Sie Ihr Passwort/);
  });

  test("the reset mail follows the account's language, not the browser's", async () => {
    const bob = await gh.store.users.findByName('bob');
    await gh.store.users.update(bob!.uid, { preferredLangcode: 'de' });
    const english = new BrowserAgent(gh.url);
    const request = await english.get('/user/password');
    const sent = await english.post('/user/password', { name: 'bob', csrf_token: hiddenField(request.text, 'csrf_token')! });
    assert.equal(sent.status, 200);
    assert.match(sent.text, /If bob is a valid account/);
    const reset = await smtp.waitFor('bob@example.com', /^Neue Anmeldedaten für bob auf /);
    assert.match(reset.text, /Dieser Link kann nur einmal verwendet werden/);
  });

  test('a German account changing its address: German errors, mails and confirmation page', async () => {
    const alice = (await gh.store.users.findByName('alice'))!;
    await gh.store.users.update(alice.uid, { preferredLangcode: 'de' });
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login('alice', PASSWORD)).status, 303);
    const page = await agent.get(`/user/${alice.uid}/edit`);
    assert.match(page.text, /<label for="edit-mail">Neue E-Mail-Adresse<\/label>/);
    const csrf = hiddenField(page.text, 'csrf_token')!;
    const post = (fields: Record<string, string>) => agent.post(`/user/${alice.uid}/edit/mail`, { csrf_token: csrf, current_pass: PASSWORD, ...fields });
    const cases: [Record<string, string>, string][] = [
      [{ mail: 'not-an-address' }, 'mail-error" role="alert">Die E-Mail-Adresse not-an-address ist ungültig.<'],
      [{ mail: '' }, 'mail-error" role="alert">Geben Sie die neue E-Mail-Adresse ein.<'],
      [{ mail: 'ALICE@example.com' }, 'mail-error" role="alert">Das ist bereits Ihre E-Mail-Adresse.<'],
      [{ mail: 'bob@example.com' }, 'mail-error" role="alert">Die E-Mail-Adresse bob@example.com wird bereits verwendet.<'],
      [{ mail: 'alice.neu@example.com', current_pass: 'wrong' }, 'es wird benötigt, um die E-Mail-Adresse zu ändern.<'],
    ];
    for (const [fields, text] of cases) {
      const refused = await post(fields);
      assert.equal(refused.status, 400, JSON.stringify(fields));
      assert.ok(refused.text.includes(text), `${JSON.stringify(fields)}: ${refused.text}`);
    }
    const sent = await post({ mail: 'alice.neu@example.com' });
    assert.equal(sent.status, 303);
    assert.match((await agent.get(sent.location!)).text, /<p class="notice" role="status">An die neue Adresse wurde ein Bestätigungslink gesendet\./);
    const mail = await smtp.waitFor('alice.neu@example.com', /^Bestätigen Sie Ihre neue E-Mail-Adresse auf /);
    assert.match(mail.text, /Öffnen Sie zur Bestätigung diesen Link/);
    const notice = await smtp.waitFor('alice@example.com', /^Änderung der E-Mail-Adresse auf .* beantragt$/);
    assert.match(notice.text, /in alice\.neu@example\.com zu ändern/);
    const link = new URL(/https?:\/\/\S+\/user\/mail-change\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0]).pathname;
    const confirm = await new BrowserAgent(gh.url).get(link);
    assert.equal(confirm.status, 200);
    assert.equal(title(confirm.text), 'Neue E-Mail-Adresse bestätigen · Gatehouse');
    assert.match(confirm.text, /<p>Damit wird alice\.neu@example\.com die E-Mail-Adresse von alice\.<\/p>/);
    assert.match(confirm.text, /<button type="submit">Bestätigen<\/button>/);
  });

  test('an English registration gets the English mail as before', async () => {
    const agent = new BrowserAgent(gh.url);
    const form = await agent.get('/user/register');
    await agent.post('/user/register', { name: 'emma', mail: 'emma@example.com', csrf_token: hiddenField(form.text, 'csrf_token')! });
    const mail = await smtp.waitFor('emma@example.com', /^Account details for emma at /);
    assert.match(mail.text, /Thank you for registering at/);
  });
});
