// /assets/passkeys.js: the small same-origin script of the passkey forms (no inline code, so the
// CSP stays strict). It shows a form marked data-passkey where the browser supports WebAuthn, and
// on submit asks the form's data-options URL for options (the CSRF token in a JSON body), runs the
// ceremony with @simplewebauthn/browser (/assets/webauthn-browser.js), puts the answer in the
// hidden `credential` field and submits the form: the server answers with a redirect (PRG).
export const PASSKEYS_SCRIPT = `(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  var supported = !!(lib && lib.browserSupportsWebAuthn());
  function fail(form, message) {
    var box = form.querySelector('[data-passkey-error]');
    box.textContent = message;
    box.hidden = false;
  }
  async function optionsFor(form) {
    var response = await fetch(form.dataset.options, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ csrf_token: form.querySelector('input[name=csrf_token]').value }),
    });
    var body = await response.json().catch(function () { return {}; });
    if (!response.ok) throw new Error(body.error_description || 'no options');
    return body;
  }
  document.querySelectorAll('[data-passkey-unsupported]').forEach(function (note) { note.hidden = supported; });
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    if (!supported) return;
    form.hidden = false;
    var button = form.querySelector('button[type=submit]');
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      button.disabled = true;
      try {
        var optionsJSON = await optionsFor(form);
        var answer = form.dataset.passkey === 'register'
          ? await lib.startRegistration({ optionsJSON: optionsJSON })
          : await lib.startAuthentication({ optionsJSON: optionsJSON });
        form.querySelector('input[name=credential]').value = JSON.stringify(answer);
        form.submit();
      } catch (error) {
        fail(form, form.dataset.failed);
        button.disabled = false;
      }
    });
  });
})();
`;
