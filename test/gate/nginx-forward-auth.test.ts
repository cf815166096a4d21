// test-engines: own
// A real Debian nginx in front of an upstream, nginx's auth_request asking a real Gatehouse at /gate/check
// (issue 12 part 3), running the README's configuration verbatim but for its ports. One SQLite
// server: the proxy's behaviour does not depend on the engine. The cases: forward-auth-suite.ts.
import { forwardAuthSuite } from '../helpers/forward-auth-suite.js';
import { startNginx, proxySkip } from '../helpers/proxies.js';

forwardAuthSuite({ name: 'nginx', deployFile: 'deploy/nginx/gatehouse-gate.conf', skip: () => proxySkip('nginx'), start: startNginx });
