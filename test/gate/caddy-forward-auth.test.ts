// test-engines: own
// A real Debian caddy in front of an upstream, Caddy's forward_auth asking a real Gatehouse at /gate/check
// (issue 12 part 3), running the README's configuration verbatim but for its ports. One SQLite
// server: the proxy's behaviour does not depend on the engine. The cases: forward-auth-suite.ts.
import { forwardAuthSuite } from '../helpers/forward-auth-suite.js';
import { startCaddy, proxySkip } from '../helpers/proxies.js';

forwardAuthSuite({ name: 'caddy', deployFile: 'deploy/caddy/Caddyfile.gate', skip: () => proxySkip('caddy'), start: startCaddy });
