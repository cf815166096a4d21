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

export function mailChangeMail(options: { to: string; name: string; site: string; url: string }): NewMail {
  return {
    to: options.to,
    subject: `Confirm your new e-mail address at ${options.site}`,
    text: `${options.name},

A request to use this address for your account at ${options.site} has been made. To confirm it, open this link in your browser:

${options.url}

The address of your account changes only when you do. This link can be used once and expires after one day. If you did not ask for this, ignore this mail.

-- ${options.site}
`,
  };
}

/** To the old address: someone logged in as the user asked to move the account elsewhere. */
export function mailChangedNoticeMail(options: { to: string; name: string; site: string; newMail: string }): NewMail {
  return {
    to: options.to,
    subject: `E-mail address change requested at ${options.site}`,
    text: `${options.name},

A request to change the e-mail address of your account at ${options.site} to ${options.newMail} has been made. It takes effect only once the link sent to that address is used.

If you did not ask for this, log in, change your password and choose "Log out everywhere" on your account page.

-- ${options.site}
`,
  };
}
