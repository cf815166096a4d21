// A real SMTP server for tests (the smtp-server package on 127.0.0.1): it accepts every mail,
// with or without AUTH, and collects what arrives, decoded enough to read subjects and links.
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  /** the text part, transfer encoding undone */
  text: string;
  raw: string;
}

export interface TestSmtp {
  port: number;
  /** smtp://user:pass@127.0.0.1:port, as GATEHOUSE_SMTP_URL */
  url: string;
  mails: ReceivedMail[];
  /** AUTH logins seen (user names), to show credentials travel */
  logins: string[];
  /** resolves with the first collected mail to `to` matching `subject` (waits up to timeoutMs) */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export const SMTP_USER = 'mailer';
export const SMTP_PASSWORD = 'smtp-secret-Pa55word';

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The text part of a nodemailer message (single part, or the text/plain part of an alternative). */
/** RFC 2047 encoded words (a subject with umlauts: =?UTF-8?Q?…?= or =?UTF-8?B?…?=), decoded. */
function decodeEncodedWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

export function parseMail(raw: string): { subject: string; text: string } {
  const subject = decodeEncodedWords(/^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1].replace(/\r?\n[ \t]/g, ' ') ?? '');
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const multipart = /^Content-Type: multipart\//im.test(raw.slice(0, headerEnd));
  const part = multipart ? /Content-Type: text\/plain[\s\S]*?\r?\n\r?\n/i.exec(raw) : null;
  const headerBlock = part ? part[0] : raw.slice(0, headerEnd);
  let body = part ? raw.slice(part.index + part[0].length) : raw.slice(raw.search(/\r?\n\r?\n/)).trimStart();
  const boundary = /\r?\n--[^\r\n]+/.exec(body);
  if (boundary) body = body.slice(0, boundary.index);
  if (/Content-Transfer-Encoding: quoted-printable/i.test(headerBlock)) body = decodeQuotedPrintable(body);
  else if (/Content-Transfer-Encoding: base64/i.test(headerBlock)) body = Buffer.from(body, 'base64').toString('utf8');
  return { subject, text: body.replace(/\r\n/g, '\n') };
}

/** Starts the server (on `port`, or a free one). */
export async function startSmtp(options: { port?: number } = {}): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const logins: string[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) {
        logins.push(auth.username);
        return callback(null, { user: auth.username });
      }
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMail(raw),
          raw,
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    mails,
    logins,
    async waitFor(to, subject, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.find((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no mail to ${to}${subject ? ` matching ${subject}` : ''} within ${timeoutMs} ms (got ${mails.length})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first http(s) link in a mail's text. */
export function linkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`no link in mail "${mail.subject}": ${mail.text}`);
  return match[0];
}
