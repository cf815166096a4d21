// The texts of the mails Gatehouse sends (Drupal's user mail templates, shortened). A link is
// the only secret in them; mails are plain text.
import type { NewMail } from '../store/store.js';

export function verificationMail(options: { to: string; name: string; site: string; url: string; approval: boolean; setPassword: boolean }): NewMail {
  const next = options.approval
    ? 'After that, your account waits for an administrator to approve it; you will be able to log in once it is approved.'
    : options.setPassword
      ? 'There you choose your password, and can log in right after.'
      : 'After that you can log in.';
  return {
    to: options.to,
    subject: `Account details for ${options.name} at ${options.site}`,
    text: `${options.name},

Thank you for registering at ${options.site}. Please confirm your e-mail address by opening this link in your browser:

${options.url}

${next}

This link can be used once and expires after one day. If you did not register, ignore this mail.

-- ${options.site}
`,
  };
}

export function resetMail(options: { to: string; name: string; site: string; url: string }): NewMail {
  return {
    to: options.to,
    subject: `Replacement login information for ${options.name} at ${options.site}`,
    text: `${options.name},

A request to reset the password for your account has been made at ${options.site}.

You may now set a new password by opening this link in your browser:

${options.url}

This link can only be used once, expires after one day, and stops working when you log in or change your password. If you did not ask for it, ignore this mail: nothing changes.

-- ${options.site}
`,
  };
}
