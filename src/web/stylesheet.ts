// The one small stylesheet of every page: readable on a phone, no framework, no build step.
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #f6f6f4; --card: #fff; --line: #d8d8d4; --accent: #1f5fbf; --danger: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececea; --bg: #161616; --card: #222; --line: #3a3a3a; --accent: #7aa7ff; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 28rem; margin: 2rem auto; padding: 1.5rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input[type=text], input[type=password] { width: 100%; padding: .6rem .7rem; font: inherit; border: 1px solid var(--line); border-radius: 8px; background: transparent; color: inherit; }
button { font: inherit; padding: .6rem 1.2rem; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin-top: 1.25rem; }
button.secondary { background: transparent; color: var(--accent); }
button.danger { border-color: var(--danger); background: transparent; color: var(--danger); margin-top: .25rem; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; }
.error { color: var(--danger); border: 1px solid var(--danger); border-radius: 8px; padding: .5rem .75rem; }
ul.scopes { padding-left: 1.2rem; }
/* second factors: the QR code on a white square (scanners want dark on light), recovery codes */
.qr svg { display: block; width: 14rem; height: 14rem; margin: .5rem auto; background: #fff; }
code.secret, ul.codes { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
ul.codes { columns: 2; list-style: none; padding: 0; font-size: 1.1rem; }
.muted { opacity: .75; font-size: .9rem; }
table { width: 100%; border-collapse: collapse; }
td, th { text-align: left; padding: .4rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
header.brand { max-width: 28rem; margin: 2rem auto -1.25rem; display: flex; align-items: center; gap: .5rem; font-weight: 600; }
header.brand img, .admin-bar .brand img { max-height: 2rem; width: auto; vertical-align: middle; }
@media (max-width: 30rem) { main { margin: 0; border-radius: 0; border-width: 0 0 1px; } header.brand { margin: .75rem 1.5rem; } }
/* administration console */
main.wide { max-width: 72rem; }
.admin-bar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; padding: .6rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--line); }
.admin-bar nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; flex: 1; }
.admin-bar a { color: var(--accent); text-decoration: none; }
.admin-bar a[aria-current=page] { font-weight: 700; text-decoration: underline; }
form.inline { display: inline; }
button.link { background: none; border: none; color: var(--accent); padding: 0; margin: 0; text-decoration: underline; }
a.button { display: inline-block; padding: .5rem 1rem; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; text-decoration: none; }
a.button.secondary { background: transparent; color: var(--accent); }
a.button.danger { background: transparent; border-color: var(--danger); color: var(--danger); }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
.field { margin-bottom: .5rem; }
.field.check label, span.check label { display: inline; font-weight: 400; margin: 0; }
span.check { display: inline-block; margin: .2rem 1rem .2rem 0; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: .5rem .75rem; }
legend { font-weight: 600; }
.field-error { color: var(--danger); margin: .25rem 0 0; font-size: .9rem; }
[aria-invalid=true] { border-color: var(--danger) !important; }
input[type=number], input[type=email], input[type=search], input[type=datetime-local], select, textarea { width: 100%; padding: .5rem .6rem; font: inherit; border: 1px solid var(--line); border-radius: 8px; background: transparent; color: inherit; }
input[type=search] { width: auto; }
.wide-form, form.card { max-width: 40rem; }
form.card { border: 1px solid var(--line); border-radius: 10px; padding: .25rem 1rem 1rem; margin: 1rem 0; }
.notice { border: 1px solid var(--accent); border-radius: 8px; padding: .5rem .75rem; }
output.secret { display: inline-block; font-family: ui-monospace, monospace; font-size: 1.05rem; padding: .5rem .75rem; border: 1px dashed var(--accent); border-radius: 8px; word-break: break-all; }
p.secret-line { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
button.copy { margin: 0; padding: .4rem .9rem; }
.pager { display: flex; gap: 1rem; margin-top: 1rem; }
form.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0 1rem; align-items: end; }
table.audit td { font-size: .85rem; }
tr.failure td:nth-child(3) { color: var(--danger); }
figure.chart { margin: 1rem 0; color: var(--fg); }
figure.chart figcaption { font-weight: 600; }
figure.chart svg { display: block; width: 100%; height: 4.5rem; }
.chart-label { margin: .9rem 0 .25rem; }
.chart-axis { display: flex; justify-content: space-between; margin: .1rem 0 0; }
details.admin-menu { display: none; }
details.admin-menu summary { cursor: pointer; color: var(--accent); font-weight: 600; }
details.admin-menu nav { display: flex; flex-direction: column; gap: .5rem; padding: .5rem 0; }
/* a phone (390 px and up): nothing scrolls sideways; a table scrolls inside its own box */
@media (max-width: 48rem) {
  .admin-bar { padding: .5rem 1rem; }
  .admin-bar nav.sections { display: none; }
  details.admin-menu { display: block; order: 3; flex-basis: 100%; }
  main.wide { margin: 0; padding: 1rem; border-radius: 0; border-width: 0 0 1px; }
  main { overflow-wrap: anywhere; }
  main table { display: block; max-width: 100%; overflow-x: auto; }
  td, th { padding-right: .75rem; }
  .wide-form, form.card { max-width: 100%; }
  form.filters { grid-template-columns: 1fr; }
  input[type=search] { width: 100%; }
}
`;
