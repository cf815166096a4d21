// /assets/copy.js: the copy buttons beside secrets shown once. A same-origin file, so the pages
// that load it need only `script-src 'self'` — never 'unsafe-inline'. Without script the buttons
// stay hidden and the secret can be selected and copied by hand.
export const COPY_SCRIPT = `'use strict';
for (const button of document.querySelectorAll('button[data-copy]')) {
  const target = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + '-status');
  if (!target) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const text = target.textContent.trim();
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      // no clipboard API (an insecure context, a refused permission): select it for the user
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
    }
    button.dataset.copied = copied ? 'yes' : 'no';
    if (status) status.textContent = copied ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (or ⌘C) to copy.';
  });
}
`;
