// test-engines: both
// The durable mail outbox (issue 13, part 1): mail reaches a real SMTP server with the configured
// credentials, a mail queued while SMTP is down is delivered once it is back, two senders never
// send one mail twice, and neither the log nor the console shows the SMTP password or a mail body.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ConfigError, loadConfig, redactSmtpUrl } from '../../src/config.js';
import { OutboxSender, retryDelay } from '../../src/mail/outbox-sender.js';
import type { MailTransport } from '../../src/mail/smtp-transport.js';
import { BrowserAgent } from '../helpers/browser-http.js';
import { freePort, PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { SMTP_PASSWORD, startSmtp, type TestSmtp } from '../helpers/smtp.js';

const FROM = 'Gatehouse <gatehouse@example.com>';

describe('delivery to a real SMTP server', () => {
  let smtp: TestSmtp;
  let gh: Running;
  before(async () => {
    smtp = await startSmtp();
    gh = await startGatehouse({ config: { mail: { smtpUrl: smtp.url, from: FROM, pollMs: 50 } } });
  });
  after(async () => {
    await gh.close();
    await smtp.close();
  });

  test('a queued mail arrives, sent with the URL credentials, and its body is dropped once sent', async () => {
    await gh.app.gatehouse.mail.queue({ to: 'ann@example.com', subject: 'Hello Ann', text: 'Line one\nhttps://example.com/x' });
    const mail = await smtp.waitFor('ann@example.com', /Hello Ann/);
    assert.equal(mail.from, 'gatehouse@example.com');
    assert.match(mail.text, /Line one\nhttps:\/\/example.com\/x/);
    assert.ok(smtp.logins.includes('mailer'));
    await waitUntil(async () => (await gh.store.mailOutbox.counts()).sent === 1);
    assert.deepEqual(await gh.store.mailOutbox.due(Number.MAX_SAFE_INTEGER, 10), []);
  });
});

describe('a mail queued while SMTP is down', () => {
  test('is retried with backoff and delivered once the server is up; the log names no password', async () => {
    const port = await freePort();
    const logLines: string[] = [];
    const url = `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${port}`;
    const gh = await startGatehouse({ logLines, config: { mail: { smtpUrl: url, from: FROM, pollMs: 50 } } });
    let smtp: TestSmtp | null = null;
    try {
      await gh.app.gatehouse.mail.queue({ to: 'late@example.com', subject: 'Delayed', text: 'secret-link-body https://example.com/reset/abc' });
      const sender = gh.app.gatehouse.outbox!;
      await waitUntil(async () => (await gh.store.mailOutbox.listUnsent(5))[0]?.attempts === 1);
      const [pending] = await gh.store.mailOutbox.listUnsent(5);
      assert.equal(pending.attempts, 1);
      assert.match(pending.lastError ?? '', /ECONNREFUSED|connect/i);
      assert.equal(pending.nextAttemptAt, Math.floor(gh.clock.now() / 1000) + retryDelay(1));
      // the console lists it with its error, never its body nor the SMTP password
      const admin = new BrowserAgent(gh.url);
      await admin.login('root', PASSWORD, '/admin/mail');
      const page = await admin.get('/admin/mail');
      assert.equal(page.status, 200);
      assert.match(page.text, /late@example.com/);
      assert.match(page.text, /Delayed/);
      assert.match(page.text, /next try/);
      assert.match(page.text, /smtp:\/\/mailer:…@127.0.0.1/);
      assert.ok(!page.text.includes('secret-link-body'));
      assert.ok(!page.text.includes(SMTP_PASSWORD));
      // not due yet: another look sends nothing
      await sender.sendDue();
      assert.equal((await gh.store.mailOutbox.listUnsent(5))[0].attempts, 1);

      smtp = await startSmtp({ port });
      gh.clock.advance(retryDelay(1));
      await sender.sendDue();
      const mail = await smtp.waitFor('late@example.com', /Delayed/);
      assert.match(mail.text, /secret-link-body/);
      assert.deepEqual(await gh.store.mailOutbox.listUnsent(5), []);
      const log = logLines.join('\n');
      assert.match(log, /sending a mail failed; will retry/);
      assert.ok(!log.includes(SMTP_PASSWORD), 'the SMTP password is never logged');
      assert.ok(!log.includes('secret-link-body'), 'a mail body is never logged');
    } finally {
      await gh.close();
      await smtp?.close();
    }
  });

  test('survives a restart: queued by one server while SMTP is down, sent by the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
    const databaseUrl = `sqlite:${join(dir, 'gatehouse.db')}`;
    const port = await freePort();
    const mail = { smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${port}`, from: FROM, pollMs: 50 };
    let smtp: TestSmtp | null = null;
    try {
      const first = await startGatehouse({ databaseUrl, config: { mail } });
      await first.app.gatehouse.mail.queue({ to: 'restart@example.com', subject: 'After restart', text: 'still here' });
      await waitUntil(async () => (await first.store.mailOutbox.listUnsent(5))[0]?.attempts === 1);
      await first.close();

      smtp = await startSmtp({ port });
      const clock = new ManualClock(Date.now() + retryDelay(1) * 1000);
      const second = await startGatehouse({ databaseUrl, world: null, clock, config: { mail } });
      try {
        const received = await smtp.waitFor('restart@example.com', /After restart/);
        assert.match(received.text, /still here/);
      } finally {
        await second.close();
      }
    } finally {
      await smtp?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('backoff doubles from 30 s and stays at most an hour apart', () => {
    assert.deepEqual([1, 2, 3, 4, 8, 20].map(retryDelay), [30, 60, 120, 240, 3600, 3600]);
  });
});

describe('two senders on one outbox', () => {
  test('each mail is sent exactly once', async () => {
    const gh = await startGatehouse({ world: null });
    try {
      const sent: string[] = [];
      const transport = (): MailTransport => ({
        async send(mail) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          sent.push(mail.subject);
        },
        close() {},
      });
      const settings = { smtpUrl: 'smtp://127.0.0.1:1', from: FROM, pollMs: 60_000 };
      const log = gh.app.log;
      const a = new OutboxSender(gh.store.mailOutbox, transport(), settings, gh.clock, log);
      const b = new OutboxSender(gh.store.mailOutbox, transport(), settings, gh.clock, log);
      const now = Math.floor(gh.clock.now() / 1000);
      for (let i = 0; i < 30; i++) await gh.store.mailOutbox.enqueue({ to: `u${i}@example.com`, subject: `m${i}`, text: 't' }, now);
      await Promise.all([a.sendDue(), b.sendDue(), a.sendDue(), b.sendDue()]);
      assert.equal(sent.length, 30);
      assert.equal(new Set(sent).size, 30);
      assert.equal((await gh.store.mailOutbox.counts()).sent, 30);
    } finally {
      await gh.close();
    }
  });
});

describe('cleanup', () => {
  test('sent mails go after a week, unsent ones stay; expired one-time tokens go', async () => {
    const gh = await startGatehouse();
    try {
      const now = Math.floor(gh.clock.now() / 1000);
      const sent = await gh.store.mailOutbox.enqueue({ to: 'a@example.com', subject: 'sent', text: 't' }, now);
      await gh.store.mailOutbox.markSent(sent, now);
      const given = await gh.store.mailOutbox.enqueue({ to: 'b@example.com', subject: 'given up', text: 'secret body' }, now);
      await gh.store.mailOutbox.markFailed(given, 'refused', null);
      const bob = (await gh.store.users.findByName('bob'))!;
      await gh.store.userTokens.insert({
        digest: 'd1',
        purpose: 'verify_mail',
        userId: bob.uid,
        mail: 'bob@example.com',
        createdAt: now,
        expiresAt: now + 10,
        usedAt: null,
      });
      assert.equal((await gh.store.mailOutbox.due(Number.MAX_SAFE_INTEGER, 10)).length, 0, 'a given-up mail is not due');
      gh.clock.advance(8 * 86_400);
      const deleted = await gh.app.gatehouse.maintenance.cleanup();
      assert.equal(deleted.mail_outbox, 1);
      assert.equal(deleted.user_tokens, 1);
      const left = await gh.store.mailOutbox.listUnsent(10);
      assert.deepEqual(
        left.map((m) => [m.subject, m.nextAttemptAt, m.lastError]),
        [['given up', null, 'refused']],
      );
    } finally {
      await gh.close();
    }
  });
});

describe('configuration', () => {
  const base = { DATABASE_URL: 'sqlite::memory:', GATEHOUSE_SECRET: 'test-secret-test-secret-test-secret-0123' };
  const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, undefined, false);

  test('no SMTP: mail is off, and the console says what is unavailable', async () => {
    const gh = await startGatehouse();
    try {
      const agent = new BrowserAgent(gh.url);
      await agent.login('root', PASSWORD, '/admin/mail');
      const page = await agent.get('/admin/mail');
      assert.match(page.text, /Mail is not configured/);
      assert.equal(gh.app.gatehouse.mail.available, false);
      await assert.rejects(gh.app.gatehouse.mail.queue({ to: 'x@example.com', subject: 's', text: 't' }), /not configured/);
    } finally {
      await gh.close();
    }
  });

  test('no SMTP variables: mail is off', () => {
    assert.equal(load({}).mail, null);
  });

  test('a good URL and sender', () => {
    const config = load({ GATEHOUSE_SMTP_URL: 'smtps://u:p@mail.example.com:465', GATEHOUSE_MAIL_FROM: 'Accounts <accounts@example.com>' });
    assert.equal(config.mail?.smtpUrl, 'smtps://u:p@mail.example.com:465');
    assert.equal(config.mail?.from, 'Accounts <accounts@example.com>');
  });

  test('bad values are refused by name, never echoing the password', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ GATEHOUSE_SMTP_URL: 'http://u:hunter2hunter2@mail.example.com', GATEHOUSE_MAIL_FROM: 'a@example.com' }, /must start with smtp:\/\/ or smtps:\/\//],
      [{ GATEHOUSE_SMTP_URL: 'smtp://u:hunter2hunter2@', GATEHOUSE_MAIL_FROM: 'a@example.com' }, /GATEHOUSE_SMTP_URL/],
      [{ GATEHOUSE_SMTP_URL: 'mail.example.com', GATEHOUSE_MAIL_FROM: 'a@example.com' }, /must be an smtp:\/\/ or smtps:\/\/ URL/],
      [{ GATEHOUSE_SMTP_URL: 'smtp://u:hunter2hunter2@mail.example.com' }, /GATEHOUSE_MAIL_FROM is not/],
      [{ GATEHOUSE_MAIL_FROM: 'a@example.com' }, /GATEHOUSE_SMTP_URL is not/],
      [{ GATEHOUSE_SMTP_URL: 'smtp://mail.example.com', GATEHOUSE_MAIL_FROM: 'nobody' }, /GATEHOUSE_MAIL_FROM must be an address/],
    ];
    for (const [env, reason] of cases) {
      assert.throws(
        () => load(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, reason);
          assert.ok(!error.message.includes('hunter2hunter2'), error.message);
          return true;
        },
      );
    }
  });

  test('redactSmtpUrl hides the password only', () => {
    assert.equal(redactSmtpUrl('smtp://user:pa55@mail.example.com:587'), 'smtp://user:…@mail.example.com:587');
    assert.equal(redactSmtpUrl('smtp://mail.example.com'), 'smtp://mail.example.com');
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
