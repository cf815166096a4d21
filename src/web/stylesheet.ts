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
.muted { opacity: .75; font-size: .9rem; }
table { width: 100%; border-collapse: collapse; }
td, th { text-align: left; padding: .4rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
@media (max-width: 30rem) { main { margin: 0; border-radius: 0; border-width: 0 0 1px; } }
`;
