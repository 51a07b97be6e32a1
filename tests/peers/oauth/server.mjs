// Test peer: a real OAuth 2.0 authorization server (oauth2-mock-server) on 127.0.0.1,
// started by `tests/src/peers.rs` (`OAuthMock`).
//
//   node server.mjs --port 0 --lifetime 3600 --log /tmp/dir/requests.jsonl
//
// --port      port to listen on (0: the OS picks one); host is always 127.0.0.1
// --lifetime  access token lifetime in seconds: the `expires_in` of the token response
//             and the JWT's `exp - iat`
// --log       file that gets one JSON line per request (written before the response is
//             sent, so a client that got its answer always finds its line)
//
// Optional, from the environment (so no secret shows up in `ps`):
// ATLAS_OAUTH_CLIENT_ID and ATLAS_OAUTH_CLIENT_SECRET: when both are set, a token request
// whose client credentials (HTTP Basic, or client_id/client_secret in the form body) do
// not match gets `401 {"error":"invalid_client"}` from this launcher; when unset, any
// client is accepted, as oauth2-mock-server itself does.
//
// Prints `READY <port>` on stdout once listening. Exits when its stdin closes, so it
// never outlives the test process that started it.
//
// Endpoints (oauth2-mock-server defaults): POST /token, POST /revoke, POST /introspect,
// GET /jwks, GET /.well-known/openid-configuration.

import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HttpServer, OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    lifetime: { type: 'string', default: '3600' },
    log: { type: 'string' },
  },
});

const port = Number.parseInt(values.port, 10);
const lifetime = Number.parseInt(values.lifetime, 10);
if (!Number.isInteger(port) || port < 0 || !Number.isInteger(lifetime) || lifetime < 0) {
  console.error('usage: node server.mjs --port N --lifetime SECONDS --log FILE');
  process.exit(2);
}
const logFile = values.log;
const expectedId = process.env.ATLAS_OAUTH_CLIENT_ID;
const expectedSecret = process.env.ATLAS_OAUTH_CLIENT_SECRET;
const checkClient = expectedId !== undefined && expectedSecret !== undefined;

const TOKEN_PATH = '/token';

const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

// The configured lifetime, for the JWT and for the token response.
service.on('beforeTokenSigning', (token) => {
  token.payload.exp = token.payload.iat + lifetime;
});
service.on('beforeResponse', (response) => {
  if (response.statusCode === 200 && typeof response.body === 'object') {
    response.body.expires_in = lifetime;
  }
});

// `application/x-www-form-urlencoded` decoding, as RFC 6749 §2.3.1 asks of Basic credentials.
function formDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

// Client credentials from the Authorization header (never logging the secret).
function basicCredentials(req) {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!m) return { scheme: header.split(' ')[0] };
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { scheme: 'Basic', id: decoded, secret: undefined };
  return { scheme: 'Basic', id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function matches(got, expected) {
  return got !== undefined && (got === expected || formDecode(got) === expected);
}

function handle(req, res) {
  const path = (req.url ?? '').split('?')[0];
  const basic = basicCredentials(req);
  // Logged synchronously just before the response goes out: by then express has parsed
  // the form body (req.body) and the status is known.
  const end = res.end;
  res.end = function (...args) {
    res.end = end;
    const body = req.body && typeof req.body === 'object' ? req.body : {};
    let auth = 'none';
    let clientId = null;
    let secret;
    if (basic !== undefined) {
      auth = basic.scheme === 'Basic' ? 'basic' : `other:${basic.scheme}`;
      clientId = basic.id ?? null;
      secret = basic.secret;
    } else if (typeof body.client_id === 'string') {
      auth = typeof body.client_secret === 'string' ? 'body' : 'client_id_only';
      clientId = body.client_id;
      secret = body.client_secret;
    }
    const line = {
      t: Date.now(),
      method: req.method,
      path,
      status: res.statusCode,
      grantType: typeof body.grant_type === 'string' ? body.grant_type : null,
      scope: typeof body.scope === 'string' ? body.scope : null,
      clientId,
      auth,
      secretMatches: checkClient ? matches(secret, expectedSecret) : null,
      contentType: req.headers['content-type'] ?? null,
      accept: req.headers.accept ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    };
    if (logFile !== undefined) appendFileSync(logFile, `${JSON.stringify(line)}\n`);
    return end.apply(this, args);
  };

  if (checkClient && req.method === 'POST' && path === TOKEN_PATH) {
    // Only Basic credentials can be checked before the body is parsed; form-body
    // credentials are checked by the 'beforeResponse' hook below.
    if (basic !== undefined && !(matches(basic.id, expectedId) && matches(basic.secret, expectedSecret))) {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Basic realm="oauth2-mock-server"');
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
  }
  service.requestHandler(req, res);
}

if (checkClient) {
  service.on('beforeResponse', (response, req) => {
    if (basicCredentials(req) !== undefined) return;
    const body = req.body ?? {};
    if (!(matches(body.client_id, expectedId) && matches(body.client_secret, expectedSecret))) {
      response.statusCode = 401;
      response.body = { error: 'invalid_client' };
    }
  });
}

const server = new HttpServer(handle);
await server.start(port, '127.0.0.1');
const actual = server.address().port;
issuer.url = `http://127.0.0.1:${actual}`;

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));

console.log(`READY ${actual}`);
